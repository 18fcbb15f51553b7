/*
 * quiz_json: a quiz as one JSON object (quiz_text.h), for marking scripts
 * and LMS imports.  Addresses and PTE values are hex strings (JSON numbers
 * lose precision above 2^53); counts and levels are numbers.  Without
 * answers, no question carries an "answer" key.
 */
#include "quiz_text.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "explain_text.h"
#include "json_string.h"
#include "root_halves.h"
#include "tree.h"

static uint64_t read_pte(mmusim_machine *m, const mmusim_config *cfg, uint64_t pa)
{
	uint64_t v = 0;

	mmusim_mem_read(m, pa, mmusim_config_pte_size(cfg), &v);
	return v;
}

/* Every node reachable from `node`, depth first, each with its non-zero entries. */
static void json_nodes(FILE *out, mmusim_machine *m, const mmusim_config *cfg, bool upper, uint64_t node,
		       unsigned level, bool *first)
{
	unsigned pte_size = mmusim_config_pte_size(cfg), nr = tree_node_entries(cfg, upper, level);
	bool first_entry = true;

	fprintf(out, "%s\n    {\"half\": \"%s\", \"node\": \"0x%" PRIx64 "\", \"level\": %u, \"entries\": [",
		*first ? "" : ",", upper ? "upper" : "lower", node, level);
	*first = false;
	for (unsigned i = 0; i < nr; i++) {
		uint64_t pte = read_pte(m, cfg, node + (uint64_t)i * pte_size);
		if (!pte)
			continue;
		fprintf(out, "%s{\"index\": %u, \"addr\": \"0x%" PRIx64 "\", \"pte\": \"0x%" PRIx64 "\"}",
			first_entry ? "" : ", ", i, node + (uint64_t)i * pte_size, pte);
		first_entry = false;
	}
	fputs("]}", out);
	for (unsigned i = 0; i < nr; i++) {
		uint64_t pte = read_pte(m, cfg, node + (uint64_t)i * pte_size);
		if (pte && mmusim_pte_present(cfg, pte) && !mmusim_pte_leaf(cfg, pte, level) && level > 1)
			json_nodes(out, m, cfg, upper, mmusim_pte_address(cfg, pte, level), level - 1, first);
	}
}

static const char *access_word(enum mmusim_access a)
{
	return a == MMUSIM_READ ? "read" : a == MMUSIM_WRITE ? "write" : "fetch";
}

static void json_walk(FILE *out, const mmusim_translation *t)
{
	fputs(", \"walk\": [", out);
	for (unsigned s = 0; s < t->nr_steps; s++)
		fprintf(out, "%s{\"level\": %u, \"table\": \"0x%" PRIx64 "\", \"index\": %u, \"addr\": \"0x%" PRIx64
			"\", \"pte\": \"0x%" PRIx64 "\"}", s ? ", " : "", t->steps[s].level, t->steps[s].table,
			t->steps[s].index, t->steps[s].pte_addr, t->steps[s].pte);
	fputc(']', out);
}

/* The answer of a translate or fault question. */
static void json_translation(FILE *out, const mmusim_config *cfg, const struct quiz_question *qq)
{
	const mmusim_translation *t = &qq->answer;
	char text[512];

	explain_answer(cfg, qq->req.va, t, text, sizeof(text));
	if (t->ok)
		fprintf(out, ", \"answer\": {\"ok\": true, \"pa\": \"0x%" PRIx64 "\", \"page_size\": %" PRIu64
			", \"level\": %u, \"text\": ", t->pa, t->page_size, t->level);
	else
		fprintf(out, ", \"answer\": {\"ok\": false, \"fault\": \"%s\", \"level\": %u, \"entry_level\": %u, "
			"\"entry\": \"0x%" PRIx64 "\", \"code\": \"0x%" PRIx64 "\", \"text\": ",
			mmusim_fault_kind_name(t->fault_kind), t->fault_level, t->refused_level, t->refused_pte_addr,
			t->fault_code);
	json_write_str(out, text);
	json_walk(out, t);
	fputc('}', out);
}

static void json_access(FILE *out, unsigned n, const char *kind, const struct quiz_question *qq)
{
	fprintf(out, ",\n    {\"n\": %u, \"kind\": \"%s\", \"priv\": \"%s\", \"access\": \"%s\", \"va\": \"0x%" PRIx64 "\"",
		n, kind, mmusim_priv_name(qq->req.priv), access_word(qq->req.access), qq->req.va);
}

static void json_questions(FILE *out, const struct quiz *q, bool answers)
{
	const mmusim_config *cfg = mmusim_machine_config(q->m);
	unsigned n = 0;
	char words[64];

	for (unsigned i = 0; i < q->nr_q; i++) {
		json_access(out, ++n, "translate", &q->q[i]);
		if (answers)
			json_translation(out, cfg, &q->q[i]);
		fputc('}', out);
	}
	for (unsigned i = 0; i < q->nr_pte; i++) {
		const struct quiz_pte_question *p = &q->pte_q[i];
		fprintf(out, ",\n    {\"n\": %u, \"kind\": \"pte\", \"va\": \"0x%" PRIx64 "\", \"pa\": \"0x%" PRIx64
			"\", \"page_size\": %" PRIu64 ", \"perms\": ", ++n, p->va, p->pa, p->size);
		json_write_str(out, quiz_perm_words(p->flags, words, sizeof(words)));
		if (answers)
			fprintf(out, ", \"answer\": {\"pte\": \"0x%" PRIx64 "\", \"addr\": \"0x%" PRIx64 "\", \"level\": %u, "
				"\"index\": %u", p->pte, p->pte_addr, p->level, mmusim_va_index(cfg, p->va, p->level));
		if (answers) {
			mmusim_translation walk = { .nr_steps = p->nr_steps };
			memcpy(walk.steps, p->steps, sizeof(walk.steps));
			json_walk(out, &walk);
			fputc('}', out);
		}
		fputc('}', out);
	}
	for (unsigned i = 0; i < q->nr_fault; i++) {
		json_access(out, ++n, "fault", &q->fault_q[i]);
		if (answers)
			json_translation(out, cfg, &q->fault_q[i]);
		fputc('}', out);
	}
	for (unsigned i = 0; i < q->nr_tlb; i++) {
		const struct quiz_tlb_question *t = &q->tlb_q[i];
		fprintf(out, ",\n    {\"n\": %u, \"kind\": \"tlb\", \"entries\": %u, \"ways\": %u, \"sets\": %u, "
			"\"policy\": \"%s\", \"reads\": [", ++n, t->entries, t->ways, t->entries / t->ways,
			t->fifo ? "fifo" : "lru");
		for (unsigned k = 0; k < t->n; k++)
			fprintf(out, "%s{\"va\": \"0x%" PRIx64 "\", \"page_size\": %" PRIu64 "}", k ? ", " : "", t->va[k],
				t->page_size[k]);
		fputc(']', out);
		if (answers) {
			fprintf(out, ", \"answer\": {\"hits\": %u, \"misses\": %u, \"results\": [", t->hits, t->n - t->hits);
			for (unsigned k = 0; k < t->n; k++)
				fprintf(out, "%s{\"set\": %u, \"hit\": %s}", k ? ", " : "", t->set[k],
					t->hit[k] ? "true" : "false");
			fputs("]}", out);
		}
		fputc('}', out);
	}
	for (unsigned i = 0; i < q->nr_repl; i++) {
		const struct quiz_repl_question *r = &q->repl_q[i];
		fprintf(out, ",\n    {\"n\": %u, \"kind\": \"replacement\", \"frames\": %u, \"policy\": \"%s\", "
			"\"references\": [", ++n, r->frames, r->policy);
		for (unsigned k = 0; k < r->n; k++)
			fprintf(out, "%s%u", k ? ", " : "", r->ref[k]);
		fputc(']', out);
		if (answers) {
			fprintf(out, ", \"answer\": {\"faults\": %u, \"results\": [", r->faults);
			for (unsigned k = 0; k < r->n; k++) {
				fprintf(out, "%s{\"fault\": %s, \"victim\": ", k ? ", " : "", r->fault[k] ? "true" : "false");
				if (r->victim[k] >= 0)
					fprintf(out, "%d}", r->victim[k]);
				else
					fputs("null}", out);
			}
			fputs("]}", out);
		}
		fputc('}', out);
	}
}

void quiz_json_write(FILE *out, const struct quiz *q, bool answers)
{
	mmusim_machine *m = q->m;
	const mmusim_config *cfg = mmusim_machine_config(m);
	uint64_t root = mmusim_root(m), upper_root = mmusim_upper_root(m);
	bool first = true;
	char reg[16];

	fprintf(out, "{\n  \"seed\": %" PRIu64 ",\n  \"config\": ", q->seed);
	json_write_str(out, mmusim_config_name(cfg));
	fprintf(out, ",\n  \"arch\": \"%s\",\n  \"levels\": %u,\n  \"va_bits\": %u,\n  \"page_size\": %" PRIu64
		",\n  \"pte_size\": %u,\n  \"entries_per_node\": %u,\n  \"answers\": %s,\n  \"roots\": [",
		mmusim_config_arch(cfg), mmusim_config_levels(cfg), mmusim_config_va_bits(cfg),
		mmusim_config_page_size(cfg), mmusim_config_pte_size(cfg), mmusim_config_entries_per_node(cfg),
		answers ? "true" : "false");
	fprintf(out, "{\"half\": \"lower\", \"addr\": \"0x%" PRIx64 "\", \"register\": ", root);
	json_write_str(out, upper_root ? root_half_register(cfg, false)
				       : mmusim_config_walk_root_register(cfg, reg, sizeof(reg)));
	fprintf(out, ", \"value\": \"0x%" PRIx64 "\"}", mmusim_config_root_register_value(cfg, root, 0));
	if (upper_root) {
		fprintf(out, ", {\"half\": \"upper\", \"addr\": \"0x%" PRIx64 "\", \"register\": ", upper_root);
		json_write_str(out, root_half_register(cfg, true));
		fprintf(out, ", \"value\": \"0x%" PRIx64 "\"}", mmusim_config_root_register_value(cfg, upper_root, 0));
	}
	fputs("],\n  \"table\": [", out);
	json_nodes(out, m, cfg, false, root, mmusim_config_half_levels(cfg, false), &first);
	if (upper_root)
		json_nodes(out, m, cfg, true, upper_root, mmusim_config_half_levels(cfg, true), &first);
	fputs("\n  ],\n  \"questions\": [", out);
	/* json_questions starts each with ",\n": the first comma goes. */
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	if (mem) {
		json_questions(mem, q, answers);
		fclose(mem);
		fputs(len > 1 ? text + 1 : "", out);
	}
	free(text);
	fputs("\n  ]\n}\n", out);
}
