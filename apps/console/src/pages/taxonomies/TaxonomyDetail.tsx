import { CodeSnippet, InlineLoading, Stack, Tag, TreeNode, TreeView } from '@carbon/react';
import type { TaxonomyJson, TaxonomyLeafJson, TaxonomyLeavesJson } from '@platform/api-types';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../../api/client';
import { useProjectId } from '../../api/session';
import { useRequest } from '../../api/use-request';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageHeader } from '../../components/PageHeader';
import { leafTree, type LeafTreeNode } from './leaf-tree';
import { TAXONOMIES_PATH } from './paths';

const KIND_LABELS: Record<TaxonomyLeafJson['kind'], string> = {
  knowledge: 'knowledge',
  freeform_skill: 'freeform skill',
  grounded_skill: 'grounded skill',
};

/** One taxonomy: its figures and its leaf tree (`GET …/taxonomies/{id}/leaves`); a chosen leaf shows its qna.yaml. */
export default function TaxonomyDetail() {
  const projectId = useProjectId();
  const { taxonomyId = '' } = useParams();
  const base = `/v1/projects/${projectId}/taxonomies/${taxonomyId}`;
  const taxonomy = useRequest((signal) => api<TaxonomyJson>(base, { signal }), [base]);
  const leaves = useRequest((signal) => api<TaxonomyLeavesJson>(`${base}/leaves`, { signal }), [base]);
  const [chosen, setChosen] = useState<string | null>(null);
  const all = leaves.data?.leaves ?? [];
  const leaf = all.find((l) => l.path === chosen) ?? all[0];

  const renderNode = (node: LeafTreeNode) => (
    <TreeNode
      key={node.path}
      id={node.leaf ?? node.path}
      value={node.leaf ?? node.path}
      label={node.leaf ? `${node.name} (qna.yaml)` : node.name}
      isExpanded
      onSelect={node.leaf ? () => setChosen(node.leaf ?? null) : undefined}
    >
      {node.children.length > 0 ? node.children.map(renderNode) : undefined}
    </TreeNode>
  );

  return (
    <>
      <PageHeader title={taxonomy.data ? `Taxonomy ${taxonomy.data.name}` : 'Taxonomy'}>
        <Link to={TAXONOMIES_PATH} className="cds--link">
          All taxonomies
        </Link>
      </PageHeader>
      <Stack gap={7}>
        {taxonomy.error !== null && <ErrorNotice error={taxonomy.error} title="The taxonomy could not be loaded" />}
        {leaves.error !== null && <ErrorNotice error={leaves.error} title="The leaves could not be loaded" />}
        {taxonomy.data && (
          <dl className="taxonomy-facts">
            <dt>Archive</dt>
            <dd>
              <code>{taxonomy.data.taxonomy_path_cos}</code>
            </dd>
            <dt>Seed data tokens (estimated)</dt>
            <dd>{taxonomy.data.tokens?.data_tokens_estimated ?? '–'}</dd>
            <dt>Leaves</dt>
            <dd>{leaves.data ? all.length : '…'}</dd>
          </dl>
        )}
        {leaves.loading && !leaves.data ? (
          <InlineLoading description="Loading leaves…" />
        ) : (
          <div className="taxonomy-browser">
            <div>
              <TreeView label="Leaf tree" size="sm" selected={leaf ? [leaf.path] : []}>
                {leafTree(all.map((l) => l.path)).map(renderNode)}
              </TreeView>
            </div>
            {leaf && (
              <section aria-label={`Leaf ${leaf.path}`} className="taxonomy-leaf">
                <h2 className="cds--type-heading-02">
                  <code>{leaf.path}</code> <Tag type="blue">{KIND_LABELS[leaf.kind]}</Tag>
                </h2>
                {leaf.documents.length > 0 && (
                  <p>
                    Documents:{' '}
                    {leaf.documents.map((d) => (
                      <code key={d.source_path}>
                        {d.source_path} ({d.size_bytes} bytes){' '}
                      </code>
                    ))}
                  </p>
                )}
                <CodeSnippet type="multi" feedback="Copied" aria-label={`qna.yaml of ${leaf.path}`} maxCollapsedNumberOfRows={40}>
                  {leaf.qna_yaml}
                </CodeSnippet>
              </section>
            )}
          </div>
        )}
      </Stack>
    </>
  );
}
