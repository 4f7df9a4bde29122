import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { K8sObject, Kustomization } from './k8s-types';

export interface ManifestDoc {
  /** Path relative to the repository root. */
  file: string;
  doc: K8sObject;
}

export function yamlFiles(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? yamlFiles(root, `${dir}/${e.name}`) : /\.ya?ml$/.test(e.name) ? [`${dir}/${e.name}`] : []))
    .sort();
}

/** Every document of a YAML file; a syntax error fails loudly, with the file and the parser's message. */
export function readManifests(root: string, file: string): ManifestDoc[] {
  return parseAllDocuments(readFileSync(join(root, file), 'utf8')).flatMap((d) => {
    if (d.errors.length) throw new Error(`${file}: ${d.errors.map((e) => e.message).join('; ')}`);
    const doc: unknown = d.toJS();
    if (doc === null || doc === undefined) return [];
    if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${file}: a document is not a mapping`);
    return [{ file, doc: doc as K8sObject }];
  });
}

/**
 * What `kubectl apply -k <dir>` would send, for the features these manifests use: resources (files, or folders
 * holding a kustomization.yaml, each within reach as kustomize allows), the namespace, image tags, and strategic
 * merge patches of ConfigMap data. Anything else fails, so a manifest never passes on a feature this does not model.
 * `used` collects every file read.
 */
export function buildKustomization(root: string, dir: string, used = new Set<string>(), seen: string[] = []): ManifestDoc[] {
  const path = `${dir}/kustomization.yaml`;
  used.add(path);
  if (!existsSync(join(root, path))) throw new Error(`${dir}: no kustomization.yaml`);
  const k = readManifests(root, path)[0]?.doc as Kustomization | undefined;
  if (!k) throw new Error(`${path}: empty`);
  const known = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'images', 'patches']);
  const unknown = Object.keys(k).filter((key) => !known.has(key));
  if (unknown.length) throw new Error(`${path}: fields this check does not model: ${unknown.join(', ')}`);
  if (seen.some((s) => s.startsWith(`${dir}/`) || s === dir))
    throw new Error(`${path}: kustomize refuses a cycle (${dir} contains ${seen.join(', ')})`);

  let docs: ManifestDoc[] = [];
  for (const entry of k.resources ?? []) {
    const target = join(dir, entry);
    if (!existsSync(join(root, target))) throw new Error(`${path}: resource ${entry} does not exist`);
    if (statSync(join(root, target)).isDirectory()) docs.push(...buildKustomization(root, target, used, [...seen, dir]));
    else {
      // kustomize loads files only from within the kustomization's folder; outside it needs a kustomization there.
      if (relative(dir, target).startsWith('..')) throw new Error(`${path}: file ${entry} lies outside ${dir}; kustomize refuses it`);
      used.add(target);
      docs.push(...readManifests(root, target));
    }
  }
  for (const p of k.patches ?? []) {
    if (!p.path || p.target || p.patch) throw new Error(`${path}: only file patches without targets are modelled`);
    used.add(join(dir, p.path));
    for (const patch of readManifests(root, join(dir, p.path))) docs = applyPatch(docs, patch, path);
  }
  if (k.namespace) docs = docs.map((d) => ({ ...d, doc: withNamespace(d.doc, k.namespace!) }));
  for (const image of k.images ?? []) docs = docs.map((d) => ({ ...d, doc: withImage(d.doc, image) }));
  return docs;
}

function applyPatch(docs: ManifestDoc[], patch: ManifestDoc, from: string): ManifestDoc[] {
  const p = patch.doc;
  if (p.kind !== 'ConfigMap') throw new Error(`${from}: only ConfigMap patches are modelled, got ${p.kind}`);
  const i = docs.findIndex((d) => d.doc.kind === p.kind && d.doc.metadata?.name === p.metadata?.name);
  if (i < 0) throw new Error(`${from}: patch ${patch.file} matches no ${p.kind} named ${p.metadata?.name}`);
  const target = docs[i].doc;
  return docs.map((d, j) => (j === i ? { ...d, doc: { ...target, data: { ...target.data, ...p.data } } } : d));
}

function withNamespace(doc: K8sObject, namespace: string): K8sObject {
  const subjects = doc.subjects?.map((s) => (s.kind === 'ServiceAccount' ? { ...s, namespace } : s));
  return { ...doc, metadata: { ...doc.metadata, namespace }, ...(subjects ? { subjects } : {}) };
}

function withImage(doc: K8sObject, image: { name: string; newName?: string; newTag?: string }): K8sObject {
  const spec = doc.spec?.template?.spec;
  if (!spec) return doc;
  const containers = spec.containers?.map((c) => {
    const [name, tag] = splitImage(c.image ?? '');
    return name === image.name ? { ...c, image: `${image.newName ?? name}:${image.newTag ?? tag}` } : c;
  });
  return { ...doc, spec: { ...doc.spec, template: { ...doc.spec!.template, spec: { ...spec, containers } } } };
}

export function splitImage(image: string): [string, string] {
  const at = image.lastIndexOf(':');
  return at > image.lastIndexOf('/') ? [image.slice(0, at), image.slice(at + 1)] : [image, 'latest'];
}

export const isExample = (file: string) => /\.example\.ya?ml$/.test(file);
