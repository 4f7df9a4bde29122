import type { StorageContainer } from '@platform/common';
import { clientCell } from './notebook-client';
import { codeCell, markdownCell, notebook, pythonLiteral, type NotebookJson } from './notebook-document';
import type { RagResultEntry } from './result-entry';

/** An input document of the experiment: its id (file name) and its path in the container's storage. */
export interface NotebookDocument {
  documentId: string;
  path: string;
}

export interface IndexingNotebookInput {
  experimentId: string;
  container: StorageContainer;
  /** The pattern's `results[]` entry (its name and settings). */
  entry: RagResultEntry;
  documents: readonly NotebookDocument[];
}

/** The memory bank the indexing notebook fills (Llama Stack bank uuids are the caller's, unique in the project). */
export function notebookBankUuid(experimentId: string, patternName: string): string {
  return `autoai-rag-${experimentId}-${patternName}`;
}

/** Media types by extension: what the memory banks read (the extraction library's formats). */
const MEDIA_TYPES: Record<string, string> = {
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.markdown': 'text/markdown',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.pdf': 'application/pdf',
  '.json': 'application/json',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/**
 * A pattern's indexing notebook (nbformat 4.5, Python 3 standard library only): reads the experiment's input documents
 * from the project's or space's storage (`GET /v2/asset_files/{path}`) and indexes them into a Llama Stack memory bank
 * of this platform (`POST /memory_banks/create`, then `POST /memory_bank/insert` in requests under the route's size
 * limit; inserting a document again replaces it, so the notebook can be run again). Memory banks chunk and embed with
 * the agents service's own settings: the pattern's chunking and embedding settings are shown, and used by the
 * experiment's own index, which the inference notebook's deployment retrieves from.
 */
export function buildIndexingNotebook(input: IndexingNotebookInput): NotebookJson {
  const { rag_pattern: pattern } = input.entry.context;
  const s = pattern.settings;
  const project = input.container.projectId;
  const bank = notebookBankUuid(input.experimentId, pattern.name);
  return notebook([
    markdownCell(
      'about',
      `# AutoAI RAG ${pattern.name}: indexing\n\n` +
        `Experiment \`${input.experimentId}\`, ${pattern.name}: chunking ${s.chunking.method} (chunk_size ${s.chunking.chunk_size}, ` +
        `chunk_overlap ${s.chunking.chunk_overlap}), embeddings \`${s.embeddings.model_id}\`, index \`${s.vector_store.index_name}\`.\n\n` +
        `This notebook puts the experiment's ${input.documents.length} input documents into the memory bank \`${bank}\` ` +
        "through the platform's Llama Stack memory bank routes, for agents and other Llama Stack clients. Memory banks " +
        "chunk and embed with the platform's memory bank settings; the pattern's own index (above) is the one its " +
        'deployment retrieves from (see the inference notebook).\n\n' +
        'Run it with Python 3 (standard library only). Set `PLATFORM_URL` (e.g. `http://localhost:8080`) and ' +
        '`PLATFORM_API_KEY` (or `PLATFORM_TOKEN`, a bearer token).',
    ),
    codeCell('client', clientCell(input.container)),
    codeCell(
      'settings',
      `EXPERIMENT_ID = ${pythonLiteral(input.experimentId)}\n` +
        `PATTERN_NAME = ${pythonLiteral(pattern.name)}\n` +
        `SETTINGS = ${pythonLiteral(s)}\n` +
        `DOCUMENTS = ${pythonLiteral(input.documents.map((d) => ({ document_id: d.documentId, path: d.path })))}\n` +
        `BANK_UUID = os.environ.get("RAG_BANK_UUID", ${pythonLiteral(bank)})\n` +
        `BANK_NAME = ${pythonLiteral(`AutoAI RAG ${input.experimentId} ${pattern.name}`)}\n` +
        "# Memory banks live in a project: this one, or the caller's default project for an experiment in a space.\n" +
        `BANK_HEADERS = ${project ? pythonLiteral({ 'X-Project-Id': project }) : '{}'}\n` +
        '# The memory bank routes take documents of at most 3 MiB, and at most 3.5 MiB in one request.\n' +
        'MAX_DOCUMENT_BYTES = 3 * 1024 * 1024\n' +
        'MAX_REQUEST_BYTES = 3 * 1024 * 1024\n' +
        `MEDIA_TYPES = ${pythonLiteral(MEDIA_TYPES)}`,
    ),
    markdownCell('read-heading', "## Read the input documents from the project's storage"),
    codeCell(
      'read',
      `def media_type(path, served):
    return MEDIA_TYPES.get(os.path.splitext(path)[1].lower()) or served.split(";")[0].strip() or "application/octet-stream"


documents = []
for doc in DOCUMENTS:
    content, served = call("GET", "/v2/asset_files/" + urllib.parse.quote(doc["path"]), query=CONTAINER, raw=True)
    if len(content) > MAX_DOCUMENT_BYTES:
        print(f"left out {doc['document_id']}: {len(content)} bytes, more than a memory bank document may have ({MAX_DOCUMENT_BYTES})")
        continue
    documents.append({
        "uuid": doc["document_id"],
        "content": base64.b64encode(content).decode("ascii"),
        "mime_type": media_type(doc["path"], served),
        "metadata": {"document_id": doc["document_id"], "path": doc["path"], "experiment_id": EXPERIMENT_ID},
    })
print(f"read {len(documents)} of {len(DOCUMENTS)} documents")`,
    ),
    markdownCell('index-heading', '## Create the memory bank and insert the documents'),
    codeCell(
      'index',
      `try:
    call("POST", "/memory_banks/create", query={"bank_uuid": BANK_UUID, "bank_name": BANK_NAME}, body=[], headers=BANK_HEADERS)
    print(f"created memory bank {BANK_UUID}")
except PlatformError as err:
    if err.status != 409:
        raise
    print(f"memory bank {BANK_UUID} exists: its documents are replaced")

chunks, batch, batch_bytes = 0, [], 0
for doc in documents + [None]:
    size = 0 if doc is None else len(doc["content"]) * 3 // 4
    if batch and (doc is None or batch_bytes + size > MAX_REQUEST_BYTES):
        chunks += call("POST", "/memory_bank/insert", query={"bank_uuid": BANK_UUID}, body=batch, headers=BANK_HEADERS)["chunks_indexed"]
        batch, batch_bytes = [], 0
    if doc is not None:
        batch.append(doc)
        batch_bytes += size
print(f"indexed {len(documents)} documents as {chunks} chunks in memory bank {BANK_UUID}")`,
    ),
  ]);
}
