import { Select, SelectItem, TextArea, TextInput } from '@carbon/react';
import { invalidProps } from './invalid-props';
import { parametersOf, MAX_STOP_SEQUENCES, type ParameterValues, type PlaygroundMode } from './parameters';

interface Props {
  mode: PlaygroundMode;
  values: ParameterValues;
  errors: Record<string, string>;
  onChange(values: ParameterValues): void;
}

/** The API's parameters for the mode, each checked against the gateway's limits as it is typed. */
export function ParametersPanel({ mode, values, errors, onChange }: Props) {
  const stopKey = mode === 'chat' ? 'stop' : 'stop_sequences';
  return (
    <fieldset className="playground-parameters">
      <legend className="cds--label">Parameters</legend>
      {mode === 'generate' && (
        <Select
          id="pg-decoding"
          labelText="Decoding"
          value={values.decodingMethod}
          onChange={(e) => onChange({ ...values, decodingMethod: e.target.value === 'sample' ? 'sample' : 'greedy' })}
        >
          <SelectItem value="greedy" text="Greedy" />
          <SelectItem value="sample" text="Sampling" />
        </Select>
      )}
      {parametersOf(mode).map((p) => (
        <TextInput
          key={p.key}
          id={`pg-${p.key}`}
          labelText={p.label}
          inputMode={p.integer ? 'numeric' : 'decimal'}
          placeholder={p.max === undefined ? `≥ ${p.min}` : `${p.min} – ${p.max}`}
          value={values.numbers[p.key] ?? ''}
          {...invalidProps(`pg-${p.key}`, errors[p.key])}
          onChange={(e) => onChange({ ...values, numbers: { ...values.numbers, [p.key]: e.target.value } })}
        />
      ))}
      <TextArea
        id="pg-stop"
        labelText={`Stop sequences (one a line, at most ${MAX_STOP_SEQUENCES[mode]})`}
        rows={2}
        value={values.stop}
        invalid={errors[stopKey] !== undefined}
        invalidText={errors[stopKey]}
        onChange={(e) => onChange({ ...values, stop: e.target.value })}
      />
    </fieldset>
  );
}
