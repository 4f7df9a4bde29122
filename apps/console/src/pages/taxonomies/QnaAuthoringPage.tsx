import { Button, Checkbox, RadioButton, RadioButtonGroup, Stack, TextArea, TextInput } from '@carbon/react';
import { describeIssue, validateLeafText } from '@platform/taxonomy-rules';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useProjectId } from '../../api/session';
import { PageHeader } from '../../components/PageHeader';
import { AddLeafToTaxonomy } from './AddLeafToTaxonomy';
import { IssueList } from './IssueList';
import { TAXONOMIES_PATH } from './paths';
import {
  emptyDraft,
  emptyKnowledgeSeed,
  emptySkillSeed,
  folderProblem,
  leafPathOf,
  qnaYamlOf,
  type KnowledgeDraft,
  type QnaDraft,
  type SkillDraft,
} from './qna-draft';
import { KnowledgeSeedFields, SkillSeedFields } from './SeedFields';
import { YamlPreview } from './YamlPreview';

/**
 * Writes a knowledge or skill qna.yaml, as InstructLab's UI does, checked live by the rules the taxonomy service
 * applies (@platform/taxonomy-rules): every problem with its line in the file shown beside it. Valid, it can be
 * downloaded or made part of a taxonomy.
 */
export default function QnaAuthoringPage() {
  const projectId = useProjectId();
  const [draft, setDraft] = useState<QnaDraft>(() => emptyDraft('knowledge'));
  const path = leafPathOf(draft);
  const text = useMemo(() => qnaYamlOf(draft), [draft]);
  const issues = useMemo(() => validateLeafText(path, text), [path, text]);
  const folder = folderProblem(draft.folder);
  const valid = issues.length === 0 && folder === null;

  const setKind = (kind: QnaDraft['kind']) =>
    setDraft((d) => (d.kind === kind ? d : { ...emptyDraft(kind), folder: d.folder, created_by: d.created_by }));

  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'application/yaml' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'qna.yaml';
    a.click();
    // Revoked once the browser has started the download, not before.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  return (
    <>
      <PageHeader title="Write a qna.yaml">
        A knowledge or skill leaf, checked as you type by the rules the taxonomy service applies.{' '}
        <Link to={TAXONOMIES_PATH} className="cds--link">
          All taxonomies
        </Link>
      </PageHeader>
      <div className="qna-authoring">
        <Stack gap={6} className="qna-authoring__form">
          <RadioButtonGroup
            legendText="Kind of leaf"
            name="leaf-kind"
            valueSelected={draft.kind}
            onChange={(v) => setKind(v as QnaDraft['kind'])}
          >
            <RadioButton id="leaf-kind-knowledge" labelText="Knowledge (facts from a document)" value="knowledge" />
            <RadioButton id="leaf-kind-skill" labelText="Compositional skill" value="skill" />
          </RadioButtonGroup>
          <TextInput
            id="leaf-folder"
            labelText={`Folder under ${draft.kind === 'knowledge' ? 'knowledge' : 'compositional_skills'}/`}
            helperText={`The leaf is ${path}`}
            value={draft.folder}
            onChange={(e) => setDraft({ ...draft, folder: e.target.value })}
            invalid={draft.folder !== '' && folder !== null}
            invalidText={folder ?? ''}
          />
          <TextInput
            id="leaf-created-by"
            labelText="Created by (your GitHub user name)"
            value={draft.created_by}
            onChange={(e) => setDraft({ ...draft, created_by: e.target.value })}
          />
          {draft.kind === 'knowledge' ? (
            <KnowledgeFields draft={draft} onChange={setDraft} />
          ) : (
            <SkillFields draft={draft} onChange={setDraft} />
          )}
        </Stack>
        <Stack gap={5} className="qna-authoring__result">
          <h2 className="cds--type-heading-03">qna.yaml</h2>
          <p role="status" className={valid ? 'qna-status qna-status--valid' : 'qna-status'}>
            {valid ? 'Valid: the taxonomy service will accept this leaf.' : `${issues.length + (folder ? 1 : 0)} problems`}
          </p>
          <IssueList messages={issues.map((i) => describeIssue({ file: path, ...i }))} label="Problems in this qna.yaml" />
          <YamlPreview text={text} issues={issues} />
          <div>
            <Button kind="secondary" disabled={!valid} onClick={download}>
              Download qna.yaml
            </Button>
          </div>
          <AddLeafToTaxonomy projectId={projectId} path={path} text={text} valid={valid} />
        </Stack>
      </div>
    </>
  );
}

function KnowledgeFields({ draft, onChange }: { draft: KnowledgeDraft; onChange(d: QnaDraft): void }) {
  const { document } = draft;
  return (
    <>
      <TextInput
        id="leaf-domain"
        labelText="Domain"
        value={draft.domain}
        onChange={(e) => onChange({ ...draft, domain: e.target.value })}
      />
      <TextArea
        id="leaf-outline"
        labelText="Document outline"
        rows={2}
        value={draft.document_outline}
        onChange={(e) => onChange({ ...draft, document_outline: e.target.value })}
      />
      <TextInput
        id="leaf-repo"
        labelText="Document repository (git URL)"
        value={document.repo}
        onChange={(e) => onChange({ ...draft, document: { ...document, repo: e.target.value } })}
      />
      <TextInput
        id="leaf-commit"
        labelText="Document commit"
        value={document.commit}
        onChange={(e) => onChange({ ...draft, document: { ...document, commit: e.target.value } })}
      />
      <TextInput
        id="leaf-patterns"
        labelText="Document files (patterns, comma-separated)"
        value={document.patterns.join(',')}
        onChange={(e) => onChange({ ...draft, document: { ...document, patterns: e.target.value.split(',').map((p) => p.trim()) } })}
      />
      {draft.seeds.map((seed, i) => (
        <KnowledgeSeedFields
          key={i}
          seed={seed}
          index={i}
          onChange={(s) => onChange({ ...draft, seeds: draft.seeds.map((x, j) => (j === i ? s : x)) })}
        />
      ))}
      <div>
        <Button kind="tertiary" size="sm" onClick={() => onChange({ ...draft, seeds: [...draft.seeds, emptyKnowledgeSeed()] })}>
          Add a seed example
        </Button>
      </div>
    </>
  );
}

function SkillFields({ draft, onChange }: { draft: SkillDraft; onChange(d: QnaDraft): void }) {
  return (
    <>
      <TextArea
        id="leaf-task"
        labelText="Task description"
        rows={2}
        value={draft.task_description}
        onChange={(e) => onChange({ ...draft, task_description: e.target.value })}
      />
      <Checkbox
        id="leaf-grounded"
        labelText="Grounded: every seed example has a context"
        checked={draft.grounded}
        onChange={(_, { checked }) => onChange({ ...draft, grounded: checked })}
      />
      {draft.seeds.map((seed, i) => (
        <SkillSeedFields
          key={i}
          seed={seed}
          index={i}
          grounded={draft.grounded}
          onChange={(s) => onChange({ ...draft, seeds: draft.seeds.map((x, j) => (j === i ? s : x)) })}
        />
      ))}
      <div>
        <Button kind="tertiary" size="sm" onClick={() => onChange({ ...draft, seeds: [...draft.seeds, emptySkillSeed()] })}>
          Add a seed example
        </Button>
      </div>
    </>
  );
}
