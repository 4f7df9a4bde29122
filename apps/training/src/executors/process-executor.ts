import type { PhaseCallbacks, PhaseOutcome, PhaseSpec, TrainingExecutor } from './executor';
import { runJsonLinesCommand } from './json-lines-command';

/** Placeholders of PLATFORM_TRAINING_PROCESS_COMMAND, each replaced by a shell-quoted value. */
export function placeholderValues(spec: PhaseSpec): Record<string, string> {
  const s = spec.settings;
  return {
    data: spec.dataPath,
    model_dir: spec.modelDir,
    output_dir: spec.outputDir,
    phase: String(spec.phase),
    mode: s.mode,
    epochs: String(s.epochs),
    learning_rate: String(s.learningRate),
    batch_size: String(s.batchSize),
    max_seq_len: String(s.maxSeqLen),
    warmup_steps: String(s.warmupSteps),
    seed: String(s.seed),
    lora_rank: String(s.loraRank),
    lora_alpha: String(s.loraAlpha),
    model_id: spec.modelId,
    // Tunings (empty for an InstructLab phase): the engine CLI's tuning settings.
    objective: s.tuning?.objective ?? 'sft',
    dpo_beta: str(s.tuning?.dpoBeta),
    grad_accum_steps: str(s.tuning?.gradAccumSteps),
    verbalizer: s.tuning?.verbalizer ?? '',
    response_template: s.tuning?.responseTemplate ?? '',
    init_text: s.tuning?.initText ?? '',
    lora_targets: (s.tuning?.loraTargets ?? []).join(','),
    max_input_tokens: str(s.tuning?.maxInputTokens),
    max_output_tokens: str(s.tuning?.maxOutputTokens),
    num_virtual_tokens: str(s.tuning?.numVirtualTokens),
  };
}

const str = (v: number | undefined) => (v === undefined ? '' : String(v));

const shellQuote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;

/** Expands `{name}` placeholders; an unknown placeholder is a configuration error, not a silent empty string. */
export function expandCommand(template: string, values: Record<string, string>): string {
  return template.replace(/\{([a-z_]+)\}/g, (whole, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`PLATFORM_TRAINING_PROCESS_COMMAND: unknown placeholder ${whole}`);
    return shellQuote(v);
  });
}

/**
 * An operator's own trainer (for example InstructLab's on a GPU host, behind a small wrapper), run through the shell.
 * It follows the engine CLI's contract: JSON lines `{step, epoch, loss, lr, tokens_per_second}` on stdout, and per
 * epoch an HF directory `{output_dir}/epoch-N/` recorded in `{output_dir}/trainer_state.json`
 * (`{epoch, global_step, total_steps, checkpoint}`), from which it also resumes.
 */
export class ProcessExecutor implements TrainingExecutor {
  readonly kind = 'process' as const;
  readonly local = true;

  constructor(private readonly template: string) {
    if (!template.trim()) throw new Error('PLATFORM_TRAINING_PROCESS_COMMAND is required with PLATFORM_TRAINING_EXECUTOR=process');
  }

  describe(): Record<string, unknown> {
    return { executor: this.kind, command: this.template };
  }

  runPhase(spec: PhaseSpec, cb: PhaseCallbacks): Promise<PhaseOutcome> {
    const command = expandCommand(this.template, placeholderValues(spec));
    cb.log(`running: ${command}`);
    return runJsonLinesCommand(
      {
        command: '/bin/sh',
        args: ['-c', command],
        env: process.env,
        outputDir: spec.outputDir,
        reportedEpochs: spec.resumeFromEpoch,
        ownProcessGroup: true,
      },
      cb,
    );
  }
}
