import { randomUUID } from 'node:crypto';
import { HERMES_CLOSE, HERMES_OPEN, type ToolCallFormat } from './format';

/** One piece of a streamed tool call, in vLLM's (and OpenAI's) delta shape: the first carries id, type and name. */
export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function: { name?: string; arguments?: string };
}

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** What one piece of model output adds: reply text and call deltas. */
export interface ParsedDelta {
  content: string;
  calls: ToolCallDelta[];
}

export const toolCallId = (): string => `chatcmpl-tool-${randomUUID().replace(/-/g, '')}`;

/** `{"name": "...", "arguments"|"parameters": ` at the start of a call object, once the value has begun. */
/** Past this length a header is no longer looked for (names are at most 64 characters). */
const HEADER_MAX = 256;
const HEADER = /^\{\s*"name"\s*:\s*("(?:[^"\\]|\\.)*")\s*,\s*"(?:parameters|arguments)"\s*:\s*(?=\S)/;

/**
 * One call object as it arrives: tracks JSON nesting to find where the arguments value ends, so the name goes out as
 * soon as it is known and the arguments as they are written. A call written in another key order is sent whole once
 * its object closes.
 */
class CallObject {
  text = '';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private argsStart = -1;
  private argsDone = false;
  private heldSpace = '';
  name?: string;
  args = '';
  closed = false;

  /** Adds text; returns how much of it belongs to the object (the rest follows its closing brace). */
  push(chunk: string, out: (argText: string, name?: string) => void): number {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      this.text += c;
      const before = this.depth;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === '\\') this.escaped = true;
        else if (c === '"') this.inString = false;
      } else if (c === '"') this.inString = true;
      else if (c === '{' || c === '[') this.depth++;
      else if (c === '}' || c === ']') this.depth--;

      if (this.argsStart < 0 && this.text.length <= HEADER_MAX) {
        const m = HEADER.exec(this.text);
        if (m) {
          this.name = JSON.parse(m[1]) as string;
          this.argsStart = m[0].length;
          out('', this.name);
          // The character that completed the match is the first of the arguments.
          this.argumentChar(c, before, out);
        }
      } else if (this.argsStart >= 0) this.argumentChar(c, before, out);

      if (this.depth === 0) {
        this.closed = true;
        return i + 1;
      }
    }
    return chunk.length;
  }

  private argumentChar(c: string, depthBefore: number, out: (argText: string) => void): void {
    if (this.argsDone) return;
    // At the call object's own level a comma or its closing brace ends the arguments value.
    if (depthBefore === 1 && !this.inString && (c === ',' || c === '}') && this.args.length > 0) {
      this.argsDone = true;
      return;
    }
    if (depthBefore === 1 && /\s/.test(c) && this.args.length > 0) {
      this.heldSpace += c;
      return;
    }
    const piece = this.heldSpace + c;
    this.heldSpace = '';
    this.args += piece;
    out(piece);
  }

  /** The parsed call, or undefined when the object is not one. */
  result(): { name: string; args: string } | undefined {
    let value: unknown;
    try {
      value = JSON.parse(this.text);
    } catch {
      return undefined;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const v = value as Record<string, unknown>;
    const args = v.parameters !== undefined ? v.parameters : v.arguments;
    if (typeof v.name !== 'string' || args === undefined) return undefined;
    if (this.name !== undefined && this.argsDone) return { name: this.name, args: this.args };
    return { name: v.name, args: typeof args === 'string' ? args : JSON.stringify(args) };
  }
}

type Mode = 'start' | 'text' | 'call' | 'between' | 'after-call';

/**
 * Splits a reply into text and tool calls as it is generated, for one choice. Streaming sends what each `push`
 * returns; a whole answer takes `result()`, made by the same parser so both always agree. hermes: calls are
 * `<tool_call>` blocks, the text outside them is the reply (whitespace around blocks dropped). json: a reply that
 * starts with `{` is calls separated by `;`, any other reply is text. Text that would leak a call's syntax is held
 * back until it is known not to start one.
 */
export class ToolCallParser {
  private mode: Mode;
  private pending = '';
  private heldSpace = '';
  private call?: CallObject;
  /** Raw text of the call in progress, from its opening, for the reply text if it never completes. */
  private callRaw = '';
  private current?: ToolCall;
  private readonly done: ToolCall[] = [];
  private content = '';
  private cutOff = false;
  private cutOffSent = '';

  constructor(private readonly format: ToolCallFormat) {
    this.mode = format === 'json' ? 'start' : 'text';
  }

  push(text: string): ParsedDelta {
    const out: ParsedDelta = { content: '', calls: [] };
    this.pending += text;
    this.run(out, false);
    return out;
  }

  /** The end of the output: releases held text; a call left open is reply text if none of it was sent as a call. */
  finish(): ParsedDelta {
    const out: ParsedDelta = { content: '', calls: [] };
    this.run(out, true);
    if (this.mode === 'call') {
      this.cutOff = true;
      const raw = this.callRaw + this.pending;
      if (this.current) this.cutOffSent = raw;
      else this.emitText(out, raw, this.format === 'json');
    } else if (this.mode !== 'after-call' && this.mode !== 'between') this.emitText(out, this.pending, this.format === 'json');
    this.pending = '';
    this.call = undefined;
    return out;
  }

  /** True when the output ended inside a call (cut off by max_tokens). */
  get incomplete(): boolean {
    return this.cutOff;
  }

  /** The whole answer (after `finish`): complete calls, and the reply text, with a cut-off call's raw text. */
  result(): { content: string | null; calls: ToolCall[] } {
    const content = this.content + this.cutOffSent;
    return { content: content.length > 0 ? content : null, calls: [...this.done] };
  }

  private emitText(out: ParsedDelta, text: string, verbatim: boolean): void {
    if (!text) return;
    if (verbatim) {
      out.content += text;
      this.content += text;
      return;
    }
    // Whitespace is held until text follows it, so the space around call blocks never becomes the reply.
    const all = this.heldSpace + text;
    const trimmed = all.replace(/\s+$/, '');
    this.heldSpace = all.slice(trimmed.length);
    const piece = this.content === '' ? trimmed.replace(/^\s+/, '') : trimmed;
    if (!piece) return;
    out.content += piece;
    this.content += piece;
  }

  private run(out: ParsedDelta, final: boolean): void {
    for (;;) {
      const before = `${this.mode}:${this.pending.length}`;
      if (this.mode === 'start') this.start();
      else if (this.mode === 'text') this.text(out, final);
      else if (this.mode === 'call') this.inCall(out);
      else if (this.mode === 'between') this.between(out, final);
      else this.afterCall();
      if (`${this.mode}:${this.pending.length}` === before) return;
    }
  }

  private start(): void {
    if (!this.pending) return;
    if (this.pending[0] === '{') this.openCall('');
    else this.mode = 'text';
  }

  private text(out: ParsedDelta, final: boolean): void {
    if (this.format === 'json') {
      this.emitText(out, this.pending, true);
      this.pending = '';
      return;
    }
    const at = this.pending.indexOf(HERMES_OPEN);
    if (at >= 0) {
      this.emitText(out, this.pending.slice(0, at), false);
      this.heldSpace = '';
      this.pending = this.pending.slice(at + HERMES_OPEN.length);
      this.openCall(HERMES_OPEN);
      return;
    }
    // Keep back a tail that could be the start of `<tool_call>`.
    let keep = 0;
    if (!final)
      for (let k = Math.min(HERMES_OPEN.length - 1, this.pending.length); k > 0; k--)
        if (HERMES_OPEN.startsWith(this.pending.slice(-k))) {
          keep = k;
          break;
        }
    this.emitText(out, this.pending.slice(0, this.pending.length - keep), false);
    this.pending = this.pending.slice(this.pending.length - keep);
  }

  private openCall(opening: string): void {
    this.mode = 'call';
    this.call = new CallObject();
    this.callRaw = opening;
  }

  private inCall(out: ParsedDelta): void {
    const call = this.call!;
    if (call.text === '') {
      // hermes allows space between the tag and the object; anything but an object is not a call.
      const lead = /^\s*/.exec(this.pending)![0];
      this.callRaw += lead;
      this.pending = this.pending.slice(lead.length);
      if (!this.pending) return;
      if (this.pending[0] !== '{') return this.abandonCall(out);
    }
    const used = call.push(this.pending, (args, name) => this.sendPiece(out, args, name));
    this.callRaw += this.pending.slice(0, used);
    this.pending = this.pending.slice(used);
    if (!call.closed) return;
    const parsed = call.result();
    if (!parsed) return this.abandonCall(out);
    if (!this.current) this.sendPiece(out, '', parsed.name);
    if (!this.current!.function.arguments) this.sendPiece(out, parsed.args);
    this.done.push(this.current!);
    this.current = undefined;
    this.call = undefined;
    this.callRaw = '';
    this.mode = this.format === 'hermes' ? 'after-call' : 'between';
  }

  private sendPiece(out: ParsedDelta, args: string, name?: string): void {
    const index = this.done.length;
    if (name !== undefined) {
      this.current = { id: toolCallId(), type: 'function', function: { name, arguments: args } };
      out.calls.push({ index, id: this.current.id, type: 'function', function: { name, arguments: args } });
      return;
    }
    if (!args) return;
    this.current!.function.arguments += args;
    const last = out.calls[out.calls.length - 1];
    if (last && last.index === index) last.function.arguments = (last.function.arguments ?? '') + args;
    else out.calls.push({ index, function: { arguments: args } });
  }

  /** Not a call after all: its text is reply text (a call already begun on the wire stays begun). */
  private abandonCall(out: ParsedDelta): void {
    const raw = this.callRaw;
    this.call = undefined;
    this.current = undefined;
    this.callRaw = '';
    this.mode = 'text';
    if (this.format === 'json') {
      this.emitText(out, raw + this.pending, true);
      this.pending = '';
    } else this.emitText(out, raw, false);
  }

  /** json: `;` and space, then the next call object; anything else after the calls is reply text. */
  private between(out: ParsedDelta, final: boolean): void {
    const gap = /^\s*;?\s*/.exec(this.pending)![0];
    if (gap.length === this.pending.length && !final) return;
    if (gap.includes(';') && this.pending[gap.length] === '{') {
      this.pending = this.pending.slice(gap.length);
      this.openCall(gap);
      return;
    }
    this.mode = 'text';
    if (!this.pending.trim()) this.pending = '';
  }

  /** hermes: the object is closed; skip to `</tool_call>`. */
  private afterCall(): void {
    const at = this.pending.indexOf(HERMES_CLOSE);
    if (at >= 0) {
      this.pending = this.pending.slice(at + HERMES_CLOSE.length);
      this.mode = 'text';
      return;
    }
    const keep = Math.min(this.pending.length, HERMES_CLOSE.length - 1);
    this.pending = this.pending.slice(this.pending.length - keep);
  }
}
