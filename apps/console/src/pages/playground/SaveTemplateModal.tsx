import { Modal, TextArea, TextInput } from '@carbon/react';
import type { PromptJson } from '@platform/api-types';
import { useState } from 'react';
import { api } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { invalidProps } from './invalid-props';
import { promptTemplateBody, templateNameProblem, type PlaygroundState } from './prompt-template';

interface Props {
  open: boolean;
  projectId: string;
  state: PlaygroundState;
  onClose(): void;
  onSaved(prompt: PromptJson): void;
}

/** "Save as prompt template": POST /v1/prompts with the playground's model, text and parameters. */
export function SaveTemplateModal({ open, projectId, state, onClose, onSaved }: Props) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [touched, setTouched] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>();
  const problem = templateNameProblem(name);

  const save = async () => {
    setTouched(true);
    if (problem) return;
    setSaving(true);
    setError(undefined);
    try {
      const prompt = await api<PromptJson>('/v1/prompts', {
        method: 'POST',
        query: { project_id: projectId },
        body: promptTemplateBody(name, description, state),
      });
      onSaved(prompt);
      setName('');
      setDescription('');
      setTouched(false);
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      modalHeading="Save as prompt template"
      primaryButtonText={saving ? 'Saving…' : 'Save'}
      secondaryButtonText="Cancel"
      primaryButtonDisabled={saving}
      onRequestSubmit={() => void save()}
      onRequestClose={onClose}
      size="sm"
    >
      <TextInput
        id="pg-template-name"
        labelText="Template name"
        value={name}
        maxLength={255}
        {...invalidProps('pg-template-name', touched ? problem : undefined)}
        onChange={(e) => setName(e.target.value)}
        data-modal-primary-focus
      />
      <TextArea
        id="pg-template-description"
        labelText="Description (optional)"
        rows={2}
        value={description}
        onChange={(e) => setDescription(e.target.value)}
      />
      <p className="cds--label">
        {state.mode === 'chat' ? 'A chat template' : 'A free-form template'} on {state.modelId}; <code>{'{name}'}</code> in the text becomes
        a variable.
      </p>
      {error !== undefined && <ErrorNotice error={error} title="The template was not saved" />}
    </Modal>
  );
}
