import { describe, expect, it } from 'vitest';
import { archiveKeyProblem } from './archive-key';

const OWN = '3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const OTHER = '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b';

describe('archiveKeyProblem', () => {
  it("accepts the shared upload area and the project's own storage", () => {
    expect(archiveKeyProblem(OWN, 'taxonomies/taxonomy-20260101.tar.gz')).toBeUndefined();
    expect(archiveKeyProblem(OWN, `projects/${OWN}/assets/taxonomies/t.tar.gz`)).toBeUndefined();
  });

  it("refuses another project's storage and any space's, naming the field", () => {
    expect(archiveKeyProblem(OWN, `projects/${OTHER}/assets/taxonomies/t.tar.gz`)).toMatch(/^taxonomy_path_cos names a file in another/);
    expect(archiveKeyProblem(OWN, `spaces/${OWN}/assets/t.tar.gz`)).toBeDefined();
    // A prefix of the own id is not the own storage.
    expect(archiveKeyProblem(OWN, `projects/${OWN.slice(0, 30)}/assets/t.tar.gz`)).toBeDefined();
  });
});
