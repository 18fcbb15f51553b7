/*
 * quiz_text: the PTE, fault, TLB and replacement sections of a quiz as text
 * (see quiz_text.h); the translation section stays cmd_quiz.c's.
 */
#include "quiz_text.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "explain_text.h"
#include "size_text.h"
#include "term_text.h"

const char *quiz_perm_words(uint32_t flags, char *buf, size_t len)
{
	snprintf(buf, len, "%s read%s%s%s", flags & MMUSIM_PROP_U ? "user" : "supervisor",
		 flags & MMUSIM_PROP_W ? "-write" : "", flags & MMUSIM_PROP_X ? "-execute" : "",
		 !(flags & (MMUSIM_PROP_W | MMUSIM_PROP_X)) ? "-only" : "");
	if (flags & MMUSIM_PROP_A)
		snprintf(buf + strlen(buf), len - strlen(buf), ", accessed");
	return buf;
}

static const char *access_word(enum mmusim_access a)
{
	return a == MMUSIM_READ ? "read" : a == MMUSIM_WRITE ? "write" : "fetch";
}

static void page_words(const mmusim_config *cfg, uint64_t size, char *buf, size_t len)
{
	format_page_size(size, buf, len);
	(void)cfg;
}

void quiz_text_walk_answer(FILE *out, const mmusim_config *cfg, uint64_t root, uint64_t upper_root, unsigned n,
			   const struct quiz_question *q, bool name_entry)
{
	const mmusim_translation *t = &q->answer;
	char *text = NULL, answer[512];
	size_t len = 0;
	struct palette plain;
	FILE *mem;

	explain_answer(cfg, q->req.va, t, answer, sizeof(answer));
	fprintf(out, "%2u. %s %s 0x%" PRIx64 ": ", n, mmusim_priv_name(q->req.priv), access_word(q->req.access), q->req.va);
	if (name_entry && !t->ok && t->refused_pte_addr)
		fprintf(out, "the level %u entry at 0x%" PRIx64 "; ", t->refused_level, t->refused_pte_addr);
	fprintf(out, "%s\n", answer);
	/* The walk, indented under its answer. */
	if (!(mem = open_memstream(&text, &len)))
		return;
	palette_init(&plain, false);
	explain_write(mem, cfg, &q->req, root, upper_root, 0, t, NULL, &plain);
	fclose(mem);
	for (char *line = text, *nl; line && *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			nl = line + strlen(line) - 1;
		fprintf(out, "    %.*s\n", (int)(nl - line), line);
	}
	free(text);
}

void quiz_text_questions(FILE *out, const struct quiz *q, unsigned *n)
{
	const mmusim_config *cfg = mmusim_machine_config(q->m);
	char words[64], size[32];

	if (q->nr_pte)
		fputs("\nWrite the PTE that maps each page: its value (A/D clear, other attributes as map sets them) and its address:\n", out);
	for (unsigned i = 0; i < q->nr_pte; i++) {
		const struct quiz_pte_question *p = &q->pte_q[i];
		page_words(cfg, p->size, size, sizeof(size));
		fprintf(out, "%2u. VA 0x%" PRIx64 " -> PA 0x%" PRIx64 " (%s page), %s\n", ++*n, p->va, p->pa, size,
			quiz_perm_words(p->flags, words, sizeof(words)));
	}
	if (q->nr_fault)
		fputs("\nEach access faults: which entry refuses it (level, address), with what fault and code?\n", out);
	for (unsigned i = 0; i < q->nr_fault; i++)
		fprintf(out, "%2u. %s %s 0x%" PRIx64 "\n", ++*n, mmusim_priv_name(q->fault_q[i].req.priv),
			access_word(q->fault_q[i].req.access), q->fault_q[i].req.va);
	if (q->nr_tlb)
		fputs("\nA TLB, empty at the start, sees these user reads (of the pages above): which hit?\n"
		      "A page's set is its page number (VA / page size) modulo the number of sets.\n", out);
	for (unsigned i = 0; i < q->nr_tlb; i++) {
		const struct quiz_tlb_question *t = &q->tlb_q[i];
		fprintf(out, "%2u. %u entries, %u-way (%u set%s), %s:", ++*n, t->entries, t->ways, t->entries / t->ways,
			t->entries / t->ways == 1 ? "" : "s", t->fifo ? "FIFO" : "LRU");
		for (unsigned k = 0; k < t->n; k++) {
			fprintf(out, " 0x%" PRIx64, t->va[k]);
			if (t->page_size[k] != mmusim_config_page_size(cfg)) {
				page_words(cfg, t->page_size[k], size, sizeof(size));
				fprintf(out, " (%s page)", size);
			}
		}
		fputc('\n', out);
	}
	if (q->nr_repl) {
		bool opt = false, clock = false;
		for (unsigned i = 0; i < q->nr_repl; i++) {
			opt |= strcmp(q->repl_q[i].policy, "opt") == 0;
			clock |= strcmp(q->repl_q[i].policy, "clock") == 0;
		}
		fputs("\nPage replacement, all frames free at the start: which references fault, and which page does each"
		      " fault evict?\nFrames fill in order from 0; a page brought in takes its victim's frame.\n", out);
		/* The rules a student needs where the textbook leaves a choice. */
		if (opt)
			fputs("opt: of the pages never used again, the one in the lowest frame goes.\n", out);
		if (clock)
			fputs("clock: the hand starts at frame 0 and stops past the victim; each access sets its page's"
			      " reference bit, the hand clears it as it passes.\n", out);
	}
	for (unsigned i = 0; i < q->nr_repl; i++) {
		const struct quiz_repl_question *r = &q->repl_q[i];
		fprintf(out, "%2u. %u frames, %s; pages referenced:", ++*n, r->frames, r->policy);
		for (unsigned k = 0; k < r->n; k++)
			fprintf(out, " %u", r->ref[k]);
		fputc('\n', out);
	}
}

void quiz_text_answers(FILE *out, const struct quiz *q, unsigned *n)
{
	const mmusim_config *cfg = mmusim_machine_config(q->m);

	for (unsigned i = 0; i < q->nr_pte; i++) {
		const struct quiz_pte_question *p = &q->pte_q[i];
		unsigned index = mmusim_va_index(cfg, p->va, p->level);
		fprintf(out, "%2u. PTE 0x%0*" PRIx64 " at 0x%" PRIx64 " (level %u, index %u of node 0x%" PRIx64 ")\n", ++*n,
			(int)(2 * mmusim_config_pte_size(cfg)), p->pte, p->pte_addr, p->level, index,
			p->pte_addr - (uint64_t)index * mmusim_config_pte_size(cfg));
		/* The way there: the upper entries the walk of the VA reads. */
		for (unsigned s = 0; s + 1 < p->nr_steps; s++)
			fprintf(out, "    L%u index %u: entry at 0x%" PRIx64 " = 0x%0*" PRIx64 " -> node 0x%" PRIx64 "\n",
				p->steps[s].level, p->steps[s].index, p->steps[s].pte_addr,
				(int)(2 * mmusim_config_pte_size(cfg)), p->steps[s].pte, p->steps[s + 1].table);
	}
	for (unsigned i = 0; i < q->nr_fault; i++)
		quiz_text_walk_answer(out, cfg, mmusim_root(q->m), mmusim_upper_root(q->m), ++*n, &q->fault_q[i], true);
	for (unsigned i = 0; i < q->nr_tlb; i++) {
		const struct quiz_tlb_question *t = &q->tlb_q[i];
		fprintf(out, "%2u. %u hit%s, %u miss%s:", ++*n, t->hits, t->hits == 1 ? "" : "s", t->n - t->hits,
			t->n - t->hits == 1 ? "" : "es");
		for (unsigned k = 0; k < t->n; k++)
			fprintf(out, " %s(set %u)", t->hit[k] ? "hit" : "miss", t->set[k]);
		fputc('\n', out);
	}
	for (unsigned i = 0; i < q->nr_repl; i++) {
		const struct quiz_repl_question *r = &q->repl_q[i];
		fprintf(out, "%2u. %u fault%s:", ++*n, r->faults, r->faults == 1 ? "" : "s");
		for (unsigned k = 0; k < r->n; k++) {
			fprintf(out, " %u:%s", r->ref[k], r->fault[k] ? "fault" : "hit");
			if (r->victim[k] >= 0)
				fprintf(out, "(evicts %d)", r->victim[k]);
		}
		fputc('\n', out);
	}
}
