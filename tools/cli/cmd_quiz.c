/*
 * mmusim quiz: reproducible paging exercises (quiz_gen.c) printed for
 * students: the page table as a memory dump of its nodes or as a tree, then
 * VAs to translate and the other kinds' questions (quiz_text.c); --answers
 * adds each solution with the walk that justifies it (the --explain text).
 * The knobs, JSON and the student's and instructor's files are
 * quiz_options.c's.  Same seed and options, same bytes.
 */
#include "commands.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli_errors.h"
#include "cli_lists.h"
#include "cli_machine.h"
#include "cli_options.h"
#include "cli_output.h"
#include "explain_text.h"
#include "canonical_va.h"
#include "quiz_gen.h"
#include "quiz_options.h"
#include "quiz_text.h"
#include "root_halves.h"
#include "size_text.h"
#include "term_text.h"
#include "tree.h"

static const char quiz_help[] =
	"usage: mmusim quiz --seed N [--arch NAME | --config NAME|FILE] [--count K] [--answers]\n"
	"                   [--format dump|tree] [--kinds LIST] [--mappings N] [--valid-share P]\n"
	"                   [--page-sizes LIST] [--memory SIZE] [--va-bits N] [--tlb E:W:POLICY]\n"
	"                   [--frames K] [--replacement POLICY] [--references LIST] [--json]\n"
	"                   [--student FILE --instructor FILE]\n"
	"\n"
	"Builds a random page table from the seed (a few mappings with different\n"
	"permissions, a huge page where the format has one) and asks for the translation\n"
	"of K VAs, some of which fault; --kinds adds other questions on the same table.\n"
	"The same seed and options give the same quiz.\n"
	"\n"
	"options:\n"
	"  --seed N             the exercise number (required)\n"
	"  --arch NAME          a preset (default toy), one of:\n"
	"                       {presets}\n"
	"  --config NAME|FILE   a preset or a YAML machine config (e.g. your own toy MMU)\n"
	"  --count K            how many questions of each kind (default 6, at most 100)\n"
	"  --answers            add each answer with the walk that justifies it\n"
	"  --format dump|tree   the table as hex words per node (default) or as a tree\n"
	"  --kinds LIST         question kinds, comma-separated (default translate):\n"
	"                       translate (VA to PA or fault), pte (which PTE value, where),\n"
	"                       fault (which entry refuses, fault kind and code), tlb (hit or\n"
	"                       miss for a sequence), replacement (faults and victims); K of each\n"
	"  --mappings N         base pages mapped (default 4; at most half a node's entries)\n"
	"  --valid-share P      share of each last-level node's entries that are valid (0 < P <= 1,\n"
	"                       or N%): round(P x entries) pages per node (default: two nodes)\n"
	"  --page-sizes LIST    page sizes mapped: the base page, and the huge one (default both)\n"
	"  --memory SIZE        the machine's memory size (with a preset)\n"
	"  --va-bits N          VA width, toy only: 6 offset bits + 5 bits per level (11, 16, 21, ...)\n"
	"  --tlb E:W:lru|fifo   the TLB of tlb questions: E entries, W ways (default: drawn)\n"
	"  --frames K           frames of replacement questions (1 to 8; default: 3 or 4, drawn)\n"
	"  --replacement POLICY fifo, lru, opt or clock (default: drawn; clock needs an A bit)\n"
	"  --references LIST    the reference string, page numbers 0-31 (default: 12 drawn)\n"
	"  --json               the quiz as JSON (questions; answers and walks with --answers)\n"
	"  --student FILE       write the questions there (text, or JSON with --json)\n"
	"  --instructor FILE    write the questions, answers and walks there\n";

static uint64_t read_pte(mmusim_machine *m, const mmusim_config *cfg, uint64_t pa)
{
	uint64_t v = 0;

	mmusim_mem_read(m, pa, mmusim_config_pte_size(cfg), &v);
	return v;
}

static int pte_digits(const mmusim_config *cfg)
{
	return (int)(2 * mmusim_config_pte_size(cfg));
}

/* One node of one half's table as rows of words, hexdump-style: runs of all-zero rows become "*". */
static void dump_node(FILE *out, mmusim_machine *m, const mmusim_config *cfg, bool upper, uint64_t node,
		      unsigned level)
{
	unsigned pte_size = mmusim_config_pte_size(cfg), nr_entries = tree_node_entries(cfg, upper, level);
	unsigned per_row = 16 / pte_size;
	bool skipping = false;

	if (per_row > nr_entries)
		per_row = nr_entries;
	fprintf(out, "node 0x%" PRIx64 " (level %u):\n", node, level);
	for (unsigned i = 0; i < nr_entries; i += per_row) {
		uint64_t row = node + (uint64_t)i * pte_size, any = 0;
		for (unsigned k = 0; k < per_row; k++)
			any |= read_pte(m, cfg, row + (uint64_t)k * pte_size);
		if (!any) {
			if (!skipping)
				fputs("  *\n", out);
			skipping = true;
			continue;
		}
		skipping = false;
		fprintf(out, "  0x%06" PRIx64 ":", row);
		for (unsigned k = 0; k < per_row; k++)
			fprintf(out, " %0*" PRIx64, pte_digits(cfg), read_pte(m, cfg, row + (uint64_t)k * pte_size));
		fputc('\n', out);
	}
}

/* Every node reachable from `node` in one half's table, depth first (the order a walk would meet them). */
static void dump_tree(FILE *out, mmusim_machine *m, const mmusim_config *cfg, bool upper, uint64_t node,
		      unsigned level, bool as_tree, unsigned depth)
{
	unsigned pte_size = mmusim_config_pte_size(cfg), nr_entries = tree_node_entries(cfg, upper, level);

	if (!as_tree)
		dump_node(out, m, cfg, upper, node, level);
	else
		fprintf(out, "%*sL%u node 0x%" PRIx64 "\n", (int)(4 * depth), "", level, node);
	for (unsigned i = 0; i < nr_entries; i++) {
		uint64_t pte = read_pte(m, cfg, node + (uint64_t)i * pte_size);
		bool present, leaf;
		char desc[160], size[32];

		if (!pte)
			continue;
		present = mmusim_pte_present(cfg, pte);
		leaf = present && mmusim_pte_leaf(cfg, pte, level);
		if (as_tree) {
			uint64_t page = mmusim_config_leaf_size(cfg, level);
			mmusim_pte_describe(cfg, pte, level, desc, sizeof(desc));
			fprintf(out, "%*s[%u] 0x%0*" PRIx64 "  %s", (int)(4 * depth + 2), "", i, pte_digits(cfg),
				pte, desc);
			if (leaf) {
				format_page_size(page, size, sizeof(size));
				fprintf(out, "  -> %s page at 0x%" PRIx64, size,
					mmusim_pte_address(cfg, pte, level) & ~(page - 1));
			}
			fputc('\n', out);
		}
		if (present && !leaf && level > 1)
			dump_tree(out, m, cfg, upper, mmusim_pte_address(cfg, pte, level), level - 1, as_tree, depth + 1);
	}
}

/* " L4 index 47:39 | ... | offset 11:0": one half's VA fields, from its table's top level. */
static void print_va_fields(FILE *out, const mmusim_config *cfg, bool upper)
{
	for (unsigned level = mmusim_config_half_levels(cfg, upper); level >= 1; level--) {
		unsigned lo = mmusim_config_index_shift(cfg, level);
		unsigned bits = (unsigned)__builtin_ctz(tree_node_entries(cfg, upper, level));
		fprintf(out, " L%u index %u:%u |", level, lo + bits - 1, lo);
	}
	fprintf(out, " offset %u:0", (unsigned)__builtin_ctzll(mmusim_config_page_size(cfg)) - 1);
}

static void print_layout(FILE *out, const mmusim_config *cfg)
{
	uint64_t page = mmusim_config_page_size(cfg);
	unsigned page_shift = (unsigned)__builtin_ctzll(page);
	mmusim_pte_layout l;
	char size[32];

	format_page_size(page, size, sizeof(size));
	if (halves_differ(cfg)) {
		fprintf(out, "VA (lower half %u bits, upper half %u bits): lower", mmusim_config_half_va_bits(cfg, false),
			mmusim_config_half_va_bits(cfg, true));
		print_va_fields(out, cfg, false);
		fputs("; upper", out);
		print_va_fields(out, cfg, true);
	} else {
		fprintf(out, "VA (%u bits%s):", mmusim_config_va_bits(cfg), mmusim_config_split_roots(cfg) ? " per half" : "");
		print_va_fields(out, cfg, false);
	}
	fprintf(out, "; %s pages, %u-byte PTEs, %u per node", size, mmusim_config_pte_size(cfg),
		mmusim_config_entries_per_node(cfg));
	if (halves_differ(cfg) && (mmusim_config_half_top_entries(cfg, false) != mmusim_config_entries_per_node(cfg) ||
				   mmusim_config_half_top_entries(cfg, true) != mmusim_config_entries_per_node(cfg)))
		fprintf(out, " (at the top level: %u lower, %u upper)", mmusim_config_half_top_entries(cfg, false),
			mmusim_config_half_top_entries(cfg, true));
	else if (!halves_differ(cfg) && mmusim_config_top_entries(cfg) != mmusim_config_entries_per_node(cfg))
		fprintf(out, " (%u at the top level)", mmusim_config_top_entries(cfg));
	fputc('\n', out);
	if (mmusim_config_split_roots(cfg))
		fprintf(out, "Two roots: VA bit %u = 0 walks from %s, 1 from %s (from 0x%" PRIx64 "); the bits above the "
			"VA must all equal bit %u\n", ROOT_SELECT_BIT, root_half_label(false), root_half_label(true),
			upper_half_start(cfg), ROOT_SELECT_BIT);
	if (mmusim_config_pte_layout(cfg, &l)) {
		const struct { const char *name; int pos; } bits[] = {
			{ "V", l.valid }, { "R", l.read }, { "W", l.write }, { "X", l.exec },
			{ "U", l.user }, { "H (huge)", l.huge }, { "A", l.accessed }, { "D", l.dirty },
		};
		fprintf(out, "PTE: frame number in bits %u:%u (PA = frame << %u)", l.frame_shift + l.frame_width - 1,
			l.frame_shift, page_shift);
		for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
			if (bits[i].pos >= 0)
				fprintf(out, ", %s bit %d", bits[i].name, bits[i].pos);
		fputs("; a permission without a bit is always granted\n", out);
	}
}

static const char *access_word(enum mmusim_access a)
{
	return a == MMUSIM_READ ? "read" : a == MMUSIM_WRITE ? "write" : "fetch";
}

static void print_quiz(FILE *out, const struct quiz *quiz, const struct quiz_opts *o)
{
	mmusim_machine *m = quiz->m;
	const mmusim_config *cfg = mmusim_machine_config(m);
	uint64_t root = mmusim_root(m), upper_root = mmusim_upper_root(m);
	char reg[16];

	fprintf(out, "mmusim quiz %" PRIu64 " on ", quiz->seed);
	term_write(out, mmusim_config_name(cfg));
	fprintf(out, " (%s paging, %u level%s", mmusim_config_arch(cfg), mmusim_config_levels(cfg),
		mmusim_config_levels(cfg) == 1 ? "" : "s");
	if (halves_differ(cfg))
		fprintf(out, ", %u in the upper half", mmusim_config_half_levels(cfg, true));
	fputs(")\n", out);
	print_layout(out, cfg);
	if (upper_root)
		fprintf(out, "roots: %s 0x%" PRIx64 " (%s = 0x%" PRIx64 "), %s 0x%" PRIx64 " (%s = 0x%" PRIx64 ")\n\n",
			root_half_label(false), root, root_half_register(cfg, false),
			mmusim_config_root_register_value(cfg, root, 0), root_half_label(true), upper_root,
			root_half_register(cfg, true), mmusim_config_root_register_value(cfg, upper_root, 0));
	else
		fprintf(out, "root: 0x%" PRIx64 " (%s = 0x%" PRIx64 ")\n\n", root,
			mmusim_config_walk_root_register(cfg, reg, sizeof(reg)), mmusim_config_root_register_value(cfg, root, 0));
	if (o->tree)
		fprintf(out, "The page table%s, entry by entry (empty entries left out):\n", upper_root ? "s" : "");
	else
		fprintf(out, "The page table%s nodes in memory, %u-byte little-endian words (\"*\": all zero):\n",
			upper_root ? "s'" : "'s", mmusim_config_pte_size(cfg));
	for (unsigned h = 0; h < (upper_root ? 2u : 1u); h++) {
		if (upper_root)
			fprintf(out, "%s:\n", root_half_label(h));
		dump_tree(out, m, cfg, h, h ? upper_root : root, mmusim_config_half_levels(cfg, h), o->tree, 0);
	}
	if (quiz->nr_q && mmusim_machine_is_vm(m))
		fputs("\nA virtual machine: the tables are the guest's, at guest-physical addresses.\n"
		      "Translate each VA: the guest-physical address, or the guest's fault (kind, level).\n", out);
	else if (quiz->nr_q)
		fputs("\nTranslate each VA: the PA, or the fault (kind, level) it raises.\n", out);
	for (unsigned i = 0; i < quiz->nr_q; i++)
		fprintf(out, "%2u. %s %s 0x%" PRIx64 "\n", i + 1, mmusim_priv_name(quiz->q[i].req.priv),
			access_word(quiz->q[i].req.access), quiz->q[i].req.va);
	unsigned n = quiz->nr_q;
	quiz_text_questions(out, quiz, &n);
	if (!o->answers)
		return;
	fputs("\nAnswers (walks read the table above; none sets A/D):\n", out);
	for (unsigned i = 0; i < quiz->nr_q; i++)
		quiz_text_walk_answer(out, cfg, root, upper_root, i + 1, &quiz->q[i], false);
	n = quiz->nr_q;
	quiz_text_answers(out, quiz, &n);
}

static int parse_quiz_args(struct cli *cli, struct args *a, struct quiz_opts *o, const char **arch,
			   bool *help)
{
	const char *v;
	int r;

	while (a->i < a->argc) {
		const char *arg = a->argv[a->i];
		uint64_t n;

		if (args_help(a)) {
			*help = true;
			return EXIT_OK;
		}
		if ((r = args_value(a, "--seed", &v)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			if (mmusim_parse_number(v, false, &o->seed, NULL))
				return cli_usage_error("quiz: bad --seed '%s' (expected a number)", v);
			o->have_seed = true;
			continue;
		}
		if ((r = args_value(a, "--count", &v)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			if (mmusim_parse_number(v, false, &n, NULL) || n < 1 || n > QUIZ_MAX_QUESTIONS)
				return cli_usage_error("quiz: bad --count '%s' (expected 1 to %d)", v,
						       QUIZ_MAX_QUESTIONS);
			o->params.count = (unsigned)n;
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
		if ((r = quiz_parse_option(a, o)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			continue;
		}
		return cli_usage_error("quiz: unexpected argument '%s' (see mmusim quiz --help)", arg);
	}
	return EXIT_OK;
}

int cmd_quiz(struct cli *cli, struct args *a)
{
	struct quiz_opts o;
	const char *arch = NULL;
	bool help = false;
	mmusim_config *cfg;
	struct quiz *quiz;
	mmusim_error err = { 0 };
	int rc;

	quiz_opts_init(&o);
	rc = parse_quiz_args(cli, a, &o, &arch, &help);

	if (rc != EXIT_OK)
		return rc;
	if (help) {
		cli_put_help(quiz_help, stdout);
		return EXIT_OK;
	}
	if (!o.have_seed)
		return cli_usage_error("quiz: --seed N is required (the same seed gives the same quiz)");
	if (cli->nr_setup || cli->image)
		return cli_usage_error("quiz: --setup, --map and --image do not apply to a quiz");
	o.json |= cli->json;
	if ((rc = quiz_check_options(&o)) != EXIT_OK)
		return rc;
	/* A handout written over the quiz's own config would destroy it. */
	if ((rc = cli_output_check(cli, o.student, NULL, 0)) != EXIT_OK ||
	    (rc = cli_output_check(cli, o.instructor, NULL, 0)) != EXIT_OK)
		return rc;
	if (arch && cli->config)
		return cli_usage_error("quiz: give --arch or --config, not both");
	if (arch && !mmusim_preset_yaml(arch))
		return cli_usage_error("quiz: unknown --arch '%s' (a preset name; see mmusim --help)", arch);
	o.config = arch ? arch : cli->config ? cli->config : "toy";
	if ((rc = quiz_load_config(&o, !arch && cli->config, &cfg, &err)) != EXIT_OK)
		return rc;
	if (!(quiz = malloc(sizeof(*quiz)))) {
		mmusim_config_free(cfg);
		free(o.base_yaml);
		return EXIT_INTERNAL;
	}
	if ((rc = quiz_options_params(&o, cfg, &err)) == MMUSIM_OK)
		rc = quiz_generate_params(cfg, o.seed, &o.params, quiz, &err);
	mmusim_config_free(cfg);
	free(o.base_yaml);
	if (rc) {
		free(quiz);
		return cli_fail(&err);
	}
	rc = quiz_write_all(quiz, &o, print_quiz);
	quiz_free(quiz);
	free(quiz);
	return rc;
}
