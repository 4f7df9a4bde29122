/** A deployment's container: exactly one of the two is set. */
export interface Container {
  projectId: string | null;
  spaceId: string | null;
}

/** What a prompt-template deployment needs to know of its template. */
export interface PromptTemplateRef {
  id: string;
  /** The foundation model the template was written for, when it names one. */
  modelId?: string;
}

/**
 * Where prompt templates are looked up. The prompts service (issue 14) will answer through its gRPC client; until it
 * exists no template can be found, so a template deployment is a clear 404 naming `prompt_template.id`.
 */
export interface PromptTemplates {
  find(id: string, container: Container): Promise<PromptTemplateRef | undefined>;
}

/** The lookup while the platform has no prompts service: every template id names nothing. */
export class NoPromptTemplates implements PromptTemplates {
  find(): Promise<PromptTemplateRef | undefined> {
    return Promise.resolve(undefined);
  }
}
