/*
 * quiz_text: the quiz sections after the translations (quiz_gen.h: PTE,
 * fault, TLB and replacement questions) as text, and the whole quiz as JSON.
 */
#ifndef MMUSIM_TOOLS_CLI_QUIZ_TEXT_H
#define MMUSIM_TOOLS_CLI_QUIZ_TEXT_H

#include <stdbool.h>
#include <stdio.h>

#include "quiz_gen.h"

/* "user read-write", "supervisor read-execute, accessed": the permissions a PTE question asks for. */
const char *quiz_perm_words(uint32_t flags, char *buf, size_t len);
/*
 * A translate or fault answer, "NN. priv access VA: answer" (with name_entry,
 * the refusing entry's level and address first), then its walk indented.
 */
void quiz_text_walk_answer(FILE *out, const mmusim_config *cfg, uint64_t root, uint64_t upper_root, unsigned n,
			   const struct quiz_question *q, bool name_entry);
/* The questions of each section, numbered on from *n. */
void quiz_text_questions(FILE *out, const struct quiz *q, unsigned *n);
/* Their answers, numbered on from *n as the questions were. */
void quiz_text_answers(FILE *out, const struct quiz *q, unsigned *n);
/* The quiz as one JSON object: the layout, the table, the questions, with answers and walks if asked. */
void quiz_json_write(FILE *out, const struct quiz *q, bool answers);

#endif
