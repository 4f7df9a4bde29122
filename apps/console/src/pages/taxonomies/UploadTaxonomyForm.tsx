import { Button, Form, RadioButton, RadioButtonGroup, Stack, TextInput } from '@carbon/react';
import type { TaxonomyJson } from '@platform/api-types';
import { describeIssue } from '@platform/taxonomy-rules';
import { useState, type FormEvent } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { IssueList, taxonomyProblems } from './IssueList';
import { createTaxonomy, folderArchive, type FolderArchive } from './taxonomy-archive';
import { taxonomyNameProblem } from './taxonomy-name';

type Source = 'tarball' | 'folder';

/**
 * Creates a taxonomy from a .tar.gz or from a folder (packed here, its leaves checked before anything is uploaded).
 * A refused archive shows every problem as `file:line: problem`.
 */
export function UploadTaxonomyForm({
  projectId,
  takenNames,
  onCreated,
}: {
  projectId: string;
  /** The project's taxonomy names, refused before uploading anything. */
  takenNames: ReadonlySet<string>;
  onCreated(t: TaxonomyJson): void;
}) {
  const [name, setName] = useState('');
  const [source, setSource] = useState<Source>('tarball');
  const [tarball, setTarball] = useState<File | null>(null);
  const [folder, setFolder] = useState<FolderArchive | null>(null);
  const [reading, setReading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const nameProblem = taxonomyNameProblem(name, takenNames);
  const archive = source === 'tarball' ? tarball : (folder?.archive ?? null);
  const folderIssues = source === 'folder' && folder ? folder.issues.map(describeIssue) : [];
  const ready = nameProblem === null && archive !== null && folderIssues.length === 0 && !reading;

  const chooseFolder = async (files: FileList | null) => {
    setFolder(null);
    setError(null);
    if (!files || files.length === 0) return;
    setReading(true);
    try {
      setFolder(await folderArchive([...files]));
    } catch (err) {
      setError(err);
    } finally {
      setReading(false);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!ready || !archive) return;
    setBusy(true);
    setError(null);
    try {
      onCreated(await createTaxonomy(projectId, name, archive));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const problems = taxonomyProblems(error);
  return (
    <Form onSubmit={submit} aria-label="Upload a taxonomy" className="narrow-form">
      <Stack gap={6}>
        <h2 className="cds--type-heading-03">Upload a taxonomy</h2>
        <TextInput
          id="taxonomy-name"
          labelText="Taxonomy name"
          helperText="1-32 letters and digits, with single - or _ between them"
          value={name}
          onChange={(e) => setName(e.target.value)}
          invalid={name !== '' && nameProblem !== null}
          invalidText={nameProblem ?? ''}
        />
        <RadioButtonGroup legendText="Upload" name="taxonomy-source" valueSelected={source} onChange={(v) => setSource(v as Source)}>
          <RadioButton id="taxonomy-source-tarball" labelText="A .tar.gz archive" value="tarball" />
          <RadioButton id="taxonomy-source-folder" labelText="A folder (packed in the browser)" value="folder" />
        </RadioButtonGroup>
        {source === 'tarball' ? (
          <div className="cds--form-item">
            <label htmlFor="taxonomy-tarball" className="cds--label">
              Taxonomy archive (.tar.gz with knowledge/ and compositional_skills/)
            </label>
            <input
              id="taxonomy-tarball"
              type="file"
              accept=".tar.gz,.tgz,application/gzip"
              onChange={(e) => {
                setTarball(e.target.files?.[0] ?? null);
                setError(null);
              }}
            />
          </div>
        ) : (
          <div className="cds--form-item">
            <label htmlFor="taxonomy-folder" className="cds--label">
              Taxonomy folder (holding knowledge/ and compositional_skills/)
            </label>
            <input
              id="taxonomy-folder"
              type="file"
              {...{ webkitdirectory: '', directory: '' }}
              multiple
              onChange={(e) => void chooseFolder(e.target.files)}
            />
            {folder && (
              <p className="cds--form__helper-text" role="status">
                {folder.leaves.length} leaves found;{' '}
                {folder.issues.length === 0 ? 'all valid' : `${folder.issues.length} problems to fix before uploading`}
              </p>
            )}
          </div>
        )}
        <IssueList messages={folderIssues} label="Problems in the folder" />
        {error !== null && <ErrorNotice error={error} title="The taxonomy was not created" onClose={() => setError(null)} />}
        <IssueList messages={problems} label="Problems in the taxonomy" />
        <Button type="submit" disabled={!ready || busy}>
          {busy ? 'Uploading…' : 'Upload and create'}
        </Button>
      </Stack>
    </Form>
  );
}
