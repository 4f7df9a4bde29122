import { closedObject, integer, openObject, optional, required, text, uniqueList, type ObjectShape } from './shape';

/**
 * instructlab/schema v3 knowledge.json. `version` is checked (and the schema chosen) before this shape is
 * applied, so here it only needs to be present. Q&A pairs are open objects: upstream tolerates extra keys
 * there, and refusing them would break taxonomies InstructLab accepts.
 */
export const KNOWLEDGE_V3: ObjectShape = closedObject({
  version: required(integer),
  created_by: required(text),
  domain: required(text),
  document_outline: required(text),
  seed_examples: required(
    uniqueList(
      closedObject({
        context: required(text),
        questions_and_answers: required(uniqueList(openObject({ question: required(text), answer: required(text) }), 3)),
      }),
      5,
    ),
  ),
  document: required(
    closedObject({
      repo: required(text),
      commit: required(text),
      patterns: required(uniqueList(text, 1)),
    }),
  ),
});

/**
 * instructlab/schema v2 and v3 compositional_skills.json (identical). A seed with `context` is grounded,
 * one without is freeform.
 */
export const COMPOSITIONAL_SKILLS_V2_V3: ObjectShape = closedObject({
  version: required(integer),
  created_by: required(text),
  task_description: required(text),
  seed_examples: required(
    uniqueList(
      closedObject({
        context: optional(text),
        question: required(text),
        answer: required(text),
      }),
      5,
    ),
  ),
});
