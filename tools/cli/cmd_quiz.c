/*
 * mmusim quiz: reproducible paging exercises (sim/quiz.c) printed for
 * students: the page table as a memory dump of its nodes or as a tree, then
 * VAs to translate; --answers adds each solution with the walk that
 * justifies it (the --explain text).  Same seed and options, same bytes.
 */
#include "cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "pt/pt_arch.h"
#include "sim/config.h"
#include "sim/number.h"
#include "sim/quiz.h"

static const char quiz_help[] =
	"usage: mmusim quiz --seed N [--arch NAME | --config NAME|FILE] [--count K] [--answers]\n"
	"                   [--format dump|tree]\n"
	"\n"
	"Builds a random page table from the seed (a few mappings with different\n"
	"permissions, a huge page where the format has one) and asks for the translation\n"
	"of K VAs, some of which fault.  The same seed and options give the same quiz.\n"
	"\n"
	"options:\n"
	"  --seed N             the exercise number (required)\n"
	"  --arch NAME          a preset: toy (default), sv32, x86_32, sv39, x86_64, ...\n"
	"  --config NAME|FILE   a preset or a YAML machine config (e.g. your own toy MMU)\n"
	"  --count K            how many VAs to translate (default 6, at most 100)\n"
	"  --answers            add each answer with the walk that justifies it\n"
	"  --format dump|tree   the table as hex words per node (default) or as a tree\n";

struct quiz_opts {
	uint64_t seed;
	bool have_seed;
	unsigned count;
	bool answers;
	bool tree;
	const char *config;   /* the config the quiz was generated on, as given */
};

static uint64_t read_pte(const struct machine *m, uint64_t pa)
{
	uint64_t v = 0;

	pt_mem_read(&m->mem, pa, m->cfg.pc.pte_size, &v);
	return v;
}

static int pte_digits(const struct machine *m)
{
	return (int)(2 * m->cfg.pc.pte_size);
}

/* One node as rows of words, hexdump-style: runs of all-zero rows become "*". */
static void dump_node(FILE *out, const struct machine *m, uint64_t node, unsigned level)
{
	const struct paging_consts *pc = &m->cfg.pc;
	unsigned per_row = 16 / pc->pte_size;
	bool skipping = false;

	if (per_row > pc->nr_entries)
		per_row = pc->nr_entries;
	fprintf(out, "node 0x%" PRIx64 " (level %u):\n", node, level);
	for (unsigned i = 0; i < pc->nr_entries; i += per_row) {
		uint64_t row = node + (uint64_t)i * pc->pte_size, any = 0;
		for (unsigned k = 0; k < per_row; k++)
			any |= read_pte(m, row + (uint64_t)k * pc->pte_size);
		if (!any) {
			if (!skipping)
				fputs("  *\n", out);
			skipping = true;
			continue;
		}
		skipping = false;
		fprintf(out, "  0x%06" PRIx64 ":", row);
		for (unsigned k = 0; k < per_row; k++)
			fprintf(out, " %0*" PRIx64, pte_digits(m), read_pte(m, row + (uint64_t)k * pc->pte_size));
		fputc('\n', out);
	}
}

/* Every node reachable from `node`, depth first (the order a walk would meet them). */
static void dump_tree(FILE *out, const struct machine *m, uint64_t node, unsigned level, bool as_tree,
		      unsigned depth)
{
	const struct paging_consts *pc = &m->cfg.pc;
	const struct pt_arch *arch = m->cfg.arch;

	if (!as_tree)
		dump_node(out, m, node, level);
	else
		fprintf(out, "%*sL%u node 0x%" PRIx64 "\n", (int)(4 * depth), "", level, node);
	for (unsigned i = 0; i < pc->nr_entries; i++) {
		uint64_t pte = read_pte(m, node + (uint64_t)i * pc->pte_size);
		bool leaf;
		char desc[160], size[32];

		if (!pte)
			continue;
		leaf = arch->is_present(pc, pte) && arch->is_leaf(pc, pte, level);
		if (as_tree) {
			arch->describe_pte(pc, pte, level, desc, sizeof(desc));
			fprintf(out, "%*s[%u] 0x%0*" PRIx64 "  %s", (int)(4 * depth + 2), "", i, pte_digits(m),
				pte, desc);
			if (leaf) {
				format_page_size(pc_page_size(pc, level), size, sizeof(size));
				fprintf(out, "  -> %s page at 0x%" PRIx64, size,
					arch->pte_addr(pc, pte, level) & ~(pc_page_size(pc, level) - 1));
			}
			fputc('\n', out);
		}
		if (arch->is_present(pc, pte) && !leaf && level > 1)
			dump_tree(out, m, arch->pte_addr(pc, pte, level), level - 1, as_tree, depth + 1);
	}
}

static void print_layout(FILE *out, const struct machine_config *cfg)
{
	const struct paging_consts *pc = &cfg->pc;
	char size[32];

	format_page_size(pc->base_page_size, size, sizeof(size));
	fprintf(out, "VA (%u bits):", pc->address_width);
	for (unsigned level = pc->nr_levels; level >= 1; level--) {
		unsigned lo = pc_index_shift(pc, level);
		fprintf(out, " L%u index %u:%u |", level, lo + pc->index_bits - 1, lo);
	}
	fprintf(out, " offset %u:0; %s pages, %u-byte PTEs, %u per node\n", pc->page_shift - 1, size,
		pc->pte_size, pc->nr_entries);
	if (cfg->arch->layout_from_config) {
		const struct pte_layout *l = &pc->layout;
		const struct { const char *name; int pos; } bits[] = {
			{ "V", l->valid }, { "R", l->read }, { "W", l->write }, { "X", l->exec },
			{ "U", l->user }, { "H (huge)", l->huge }, { "A", l->accessed }, { "D", l->dirty },
		};
		fprintf(out, "PTE: frame number in bits %u:%u (PA = frame << %u)",
			l->frame_shift + l->frame_width - 1, l->frame_shift, pc->page_shift);
		for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
			if (bits[i].pos >= 0)
				fprintf(out, ", %s bit %d", bits[i].name, bits[i].pos);
		fputs("; a permission without a bit is always granted\n", out);
	}
}

static const char *access_word(enum access_kind a)
{
	return a == ACCESS_READ ? "read" : a == ACCESS_WRITE ? "write" : "fetch";
}

static void print_answer(FILE *out, const struct machine_config *cfg, const char *config, unsigned n,
			 const struct quiz_question *q)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem;

	fprintf(out, "%2u. %s %s 0x%" PRIx64 ": ", n, privilege_name(q->priv), access_word(q->access), q->va);
	if (q->answer.ok) {
		char size[32], perms[6];
		format_page_size(q->answer.page_size, size, sizeof(size));
		perms_format(q->answer.perms, perms);
		fprintf(out, "PA 0x%" PRIx64 " (%s page, level %u, perms %s)\n", q->answer.pa, size,
			q->answer.level, perms);
	} else {
		char code[128];
		cfg->arch->describe_fault(&q->answer.fault, code, sizeof(code));
		fprintf(out, "fault %s at level %u, %s\n", fault_kind_name(q->answer.fault.kind),
			q->answer.fault.level, code);
	}
	/* The walk, indented under its answer. */
	if (!(mem = open_memstream(&text, &len)))
		return;
	explain_walk_internal(mem, config, &q->req, &q->answer);
	fclose(mem);
	for (char *line = text, *nl; line && *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			nl = line + strlen(line) - 1;
		fprintf(out, "    %.*s\n", (int)(nl - line), line);
	}
	free(text);
}

static void print_quiz(FILE *out, const struct quiz *quiz, const struct quiz_opts *o)
{
	const struct machine *m = quiz->m;
	const struct machine_config *cfg = &m->cfg;
	uint64_t root = machine_root(m);

	fprintf(out, "mmusim quiz %" PRIu64 " on %s (%s paging, %u levels)\n", quiz->seed, cfg->name,
		cfg->arch->name, cfg->pc.nr_levels);
	print_layout(out, cfg);
	fprintf(out, "root: 0x%" PRIx64 " (%s = 0x%" PRIx64 ")\n\n", root, cfg->arch->root_register,
		cfg->arch->encode_root_reg(&cfg->pc, root, 0));
	if (o->tree)
		fputs("The page table, entry by entry (empty entries left out):\n", out);
	else
		fprintf(out, "The page table's nodes in memory, %u-byte little-endian words (\"*\": all zero):\n",
			cfg->pc.pte_size);
	dump_tree(out, m, root, cfg->pc.nr_levels, o->tree, 0);
	fputs("\nTranslate each VA: the PA, or the fault (kind, level) it raises.\n", out);
	for (unsigned i = 0; i < quiz->nr_q; i++)
		fprintf(out, "%2u. %s %s 0x%" PRIx64 "\n", i + 1, privilege_name(quiz->q[i].priv),
			access_word(quiz->q[i].access), quiz->q[i].va);
	if (!o->answers)
		return;
	fputs("\nAnswers (walks read the table above; none sets A/D):\n", out);
	for (unsigned i = 0; i < quiz->nr_q; i++)
		print_answer(out, cfg, o->config, i + 1, &quiz->q[i]);
}

static int parse_quiz_args(struct cli *cli, struct args *a, struct quiz_opts *o, const char **arch,
			   bool *help)
{
	const char *v;
	int r;

	while (a->i < a->argc) {
		const char *arg = a->argv[a->i];
		uint64_t n;

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			*help = true;
			return EXIT_OK;
		}
		if ((r = args_value(a, "--seed", &v)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			if (number_parse(v, false, &o->seed) != NUMBER_OK)
				return cli_usage_error("quiz: bad --seed '%s' (expected a number)", v);
			o->have_seed = true;
			continue;
		}
		if ((r = args_value(a, "--count", &v)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			if (number_parse(v, false, &n) != NUMBER_OK || n < 1 || n > QUIZ_MAX_QUESTIONS)
				return cli_usage_error("quiz: bad --count '%s' (expected 1 to %d)", v,
						       QUIZ_MAX_QUESTIONS);
			o->count = (unsigned)n;
			continue;
		}
		if ((r = args_value(a, "--format", &v)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			if (strcmp(v, "dump") != 0 && strcmp(v, "tree") != 0)
				return cli_usage_error("quiz: bad --format '%s' (expected dump or tree)", v);
			o->tree = strcmp(v, "tree") == 0;
			continue;
		}
		if ((r = args_value(a, "--arch", arch)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			continue;
		}
		if (args_flag(a, "--answers")) {
			o->answers = true;
			continue;
		}
		if ((r = args_value(a, "--config", &v)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			cli->config = v;
			continue;
		}
		return cli_usage_error("quiz: unexpected argument '%s' (see mmusim quiz --help)", arg);
	}
	return EXIT_OK;
}

int cmd_quiz(struct cli *cli, struct args *a)
{
	struct quiz_opts o = { .count = 6 };
	const char *arch = NULL;
	bool help = false;
	struct machine_config cfg;
	struct quiz *quiz;
	struct mm_error err = { 0 };
	int rc = parse_quiz_args(cli, a, &o, &arch, &help);

	if (rc != EXIT_OK)
		return rc;
	if (help) {
		fputs(quiz_help, stdout);
		return EXIT_OK;
	}
	if (!o.have_seed)
		return cli_usage_error("quiz: --seed N is required (the same seed gives the same quiz)");
	if (cli->json || cli->nr_setup || cli->image)
		return cli_usage_error("quiz: --json, --setup, --map and --image do not apply to a quiz");
	if (arch && cli->config)
		return cli_usage_error("quiz: give --arch or --config, not both");
	if (arch && !config_preset_text(arch))
		return cli_usage_error("quiz: unknown --arch '%s' (a preset name; see mmusim --help)", arch);
	o.config = arch ? arch : cli->config ? cli->config : "toy";
	if (config_load(o.config, &cfg, &err))
		return cli_fail(&err);
	if (!(quiz = malloc(sizeof(*quiz))))
		return EXIT_INTERNAL;
	if (quiz_generate(&cfg, o.seed, o.count, quiz, &err)) {
		free(quiz);
		return cli_fail(&err);
	}
	print_quiz(stdout, quiz, &o);
	quiz_free(quiz);
	free(quiz);
	return EXIT_OK;
}
