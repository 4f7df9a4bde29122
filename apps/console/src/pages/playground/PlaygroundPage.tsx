import { Button, ContentSwitcher, InlineLoading, InlineNotification, Select, SelectItem, Switch, TextArea } from '@carbon/react';
import type { PromptJson, TextChatChunkJson, TextGenerationJson } from '@platform/api-types';
import { useMemo, useRef, useState } from 'react';
import { apiStream } from '../../api/stream';
import { useProjectId } from '../../api/session';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ChatTranscript } from './ChatTranscript';
import { checkParameters, DEFAULT_VALUES, type ParameterValues, type PlaygroundMode } from './parameters';
import { ParametersPanel } from './ParametersPanel';
import { SaveTemplateModal } from './SaveTemplateModal';
import { EMPTY_OUTPUT, foldChat, foldGeneration, type StreamOutput } from './stream-reducer';
import { API_VERSION, chatBody, generationBody, streamPath, targetByKey, targetKey, type ChatTurn } from './targets';
import { givenVariables, TemplateVariables } from './TemplateVariables';
import { TokenCounts } from './TokenCounts';
import { useTargets } from './use-targets';
import './playground.scss';

const MODES: PlaygroundMode[] = ['chat', 'generate'];

/**
 * The playground: chat or free-form generation against a catalog model or a ready deployment of the project, streamed
 * as the API sends it, with the API's parameters, the token counts it reports, and "save as prompt template".
 */
export default function PlaygroundPage() {
  const projectId = useProjectId();
  const { targets, error: loadError } = useTargets(projectId);
  const [targetChoice, setTargetChoice] = useState('');
  const [mode, setMode] = useState<PlaygroundMode>('chat');
  const [values, setValues] = useState<Record<PlaygroundMode, ParameterValues>>(DEFAULT_VALUES);
  const [system, setSystem] = useState('');
  const [turns, setTurns] = useState<ChatTurn[]>([]);
  const [message, setMessage] = useState('');
  const [input, setInput] = useState('');
  const [output, setOutput] = useState<StreamOutput>(EMPTY_OUTPUT);
  const [streaming, setStreaming] = useState(false);
  const [error, setError] = useState<unknown>();
  const [saveOpen, setSaveOpen] = useState(false);
  const [saved, setSaved] = useState<PromptJson>();
  const [variables, setVariables] = useState<Record<string, string>>({});
  const abort = useRef<AbortController | null>(null);

  const target = targets && (targetByKey(targets, targetChoice) ?? targets[0]);
  const checked = useMemo(() => checkParameters(mode, values[mode]), [mode, values]);
  const invalid = Object.keys(checked.errors).length > 0;
  const text = mode === 'chat' ? message : input;
  const templateId = target?.kind === 'deployment' ? target.templateId : undefined;
  const templated = templateId !== undefined;
  const canSend = target !== undefined && !streaming && !invalid && (text.trim() !== '' || (mode === 'generate' && templated));

  const send = async () => {
    if (!target || !canSend) return;
    const controller = new AbortController();
    abort.current = controller;
    setStreaming(true);
    setError(undefined);
    let out = EMPTY_OUTPUT;
    setOutput(out);
    const history: ChatTurn[] = mode === 'chat' ? [...turns, { role: 'user', content: message }] : [];
    if (mode === 'chat') {
      setTurns(history);
      setMessage('');
    }
    const body =
      mode === 'chat'
        ? chatBody(target, projectId, system, history, checked.values)
        : generationBody(target, projectId, input, checked.values, givenVariables(variables));
    try {
      await apiStream(
        streamPath(target, mode),
        { method: 'POST', query: { version: API_VERSION }, body, signal: controller.signal },
        (frame) => {
          const event: unknown = JSON.parse(frame.data);
          out = mode === 'chat' ? foldChat(out, event as TextChatChunkJson) : foldGeneration(out, event as TextGenerationJson);
          setOutput(out);
        },
      );
    } catch (err) {
      if (!controller.signal.aborted) setError(err);
    } finally {
      if (mode === 'chat' && out.text !== '') setTurns([...history, { role: 'assistant', content: out.text }]);
      else if (mode === 'chat' && out.text === '' && !controller.signal.aborted) setMessage(message);
      setStreaming(false);
      abort.current = null;
    }
  };

  if (loadError !== undefined) return <ErrorNotice error={loadError} title="The models could not be listed" />;
  if (!targets || !target) return <InlineLoading description="Loading the models…" />;

  return (
    <div className="playground">
      <h1>Playground</h1>
      <div className="playground-controls">
        <Select
          id="pg-target"
          labelText="Model or deployment"
          value={targetKey(target)}
          onChange={(e) => {
            setTargetChoice(e.target.value);
            setVariables({});
            setOutput(EMPTY_OUTPUT);
          }}
        >
          {targets.map((t) => (
            <SelectItem key={targetKey(t)} value={targetKey(t)} text={t.label} />
          ))}
        </Select>
        <ContentSwitcher
          size="md"
          selectedIndex={MODES.indexOf(mode)}
          onChange={({ index }: { index?: number }) => {
            setMode(MODES[index ?? 0]);
            setOutput(EMPTY_OUTPUT);
          }}
          aria-label="Mode"
        >
          <Switch name="chat" text="Chat" />
          <Switch name="generate" text="Generate" />
        </ContentSwitcher>
      </div>
      <div className="playground-body">
        <section className="playground-main" aria-label={mode === 'chat' ? 'Chat' : 'Generation'}>
          {mode === 'chat' ? (
            <>
              <TextArea
                id="pg-system"
                labelText="System prompt (optional)"
                rows={2}
                value={system}
                onChange={(e) => setSystem(e.target.value)}
              />
              <ChatTranscript turns={turns} streamingText={streaming ? output.text : undefined} />
              <TextArea
                id="pg-message"
                labelText="Message"
                rows={3}
                value={message}
                onChange={(e) => setMessage(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void send();
                }}
              />
            </>
          ) : (
            <>
              {templateId !== undefined ? (
                <TemplateVariables projectId={projectId} templateId={templateId} values={variables} onChange={setVariables} />
              ) : (
                <TextArea id="pg-input" labelText="Input" rows={6} value={input} onChange={(e) => setInput(e.target.value)} />
              )}
              <div className="playground-output" role="status" aria-label="Generated text" data-testid="generated-text">
                {output.text}
              </div>
            </>
          )}
          <div className="playground-actions">
            <Button onClick={() => void send()} disabled={!canSend}>
              {mode === 'chat' ? 'Send' : 'Generate'}
            </Button>
            {streaming && (
              <Button kind="secondary" onClick={() => abort.current?.abort()}>
                Stop
              </Button>
            )}
            {mode === 'chat' && turns.length > 0 && !streaming && (
              <Button kind="ghost" onClick={() => setTurns([])}>
                Clear chat
              </Button>
            )}
            <Button kind="tertiary" disabled={target.kind !== 'model' || streaming} onClick={() => setSaveOpen(true)}>
              Save as prompt template
            </Button>
            {streaming && <InlineLoading description="Streaming…" />}
          </div>
          <TokenCounts output={output} streaming={streaming} />
          {invalid && <p className="cds--form-requirement playground-invalid">Fix the parameters marked above to send.</p>}
          {error !== undefined && <ErrorNotice error={error} title="The model did not answer" onClose={() => setError(undefined)} />}
          {saved && (
            <InlineNotification
              kind="success"
              lowContrast
              title="Prompt template saved"
              subtitle={`${saved.name} (${saved.id}): deploy it from the Deployments page.`}
              onClose={() => setSaved(undefined)}
            />
          )}
        </section>
        <aside className="playground-side" aria-label="Parameters">
          <ParametersPanel
            mode={mode}
            values={values[mode]}
            errors={checked.errors}
            onChange={(v) => setValues({ ...values, [mode]: v })}
          />
        </aside>
      </div>
      <SaveTemplateModal
        open={saveOpen}
        projectId={projectId}
        state={{ mode, modelId: target.id, system, turns, input, parameters: checked.values }}
        onClose={() => setSaveOpen(false)}
        onSaved={(p) => {
          setSaveOpen(false);
          setSaved(p);
        }}
      />
    </div>
  );
}
