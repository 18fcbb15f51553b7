/*
 * mmusim mrc: miss-ratio curves — the misses of an LRU TLB of every size, and
 * of every associativity for given set counts, from one pass over a trace
 * (the library's mmusim_mrc_*: stack distances).  Prints a table at the
 * powers of two, or JSON; the whole curve goes to --csv, a plot to --svg.
 */
#include "commands.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "chart_svg.h"
#include "cli_errors.h"
#include "cli_lists.h"
#include "cli_machine.h"
#include "cli_output.h"
#include "json_string.h"
#include "term_text.h"

#define MRC_DEFAULT_ENTRIES 4096
#define MRC_ENTRIES_MAX (1u << 20)

static const char mrc_help[] =
	"usage: mmusim [--json] [--config NAME|FILE] mrc [options] TRACE\n"
	"\n"
	"Miss-ratio curves in one pass over TRACE: the misses of a fully associative\n"
	"LRU TLB of every size from 1 to --max-entries (stack distances), and of\n"
	"set-associative LRU TLBs of every associativity for each --sets count.  A page\n"
	"is (VMID, ASID, VA / page size), a global one (mapped) (VMID, VA / page size).\n"
	"A full flush makes later first touches cold;\n"
	"a flush of one VA or ASID, or a page-table edit, drops its pages and may leave\n"
	"the curves below a replay's misses (a note says so).  One CPU: 'cpu N' (N > 0)\n"
	"is refused.\n"
	"\n"
	"options:\n"
	"  --max-entries N      the largest TLB (default 4096, at most 1048576)\n"
	"  --sets S[,S...]      set-associative curves for these set counts (powers of\n"
	"                       two dividing --max-entries; up to 16): every\n"
	"                       associativity 1 .. max-entries / S\n"
	"  --page-size 4K|2M|1G the page size the TLB holds, fixed (default 4K; any\n"
	"                       power of two)\n"
	"  --page-size mapped   the size each access's translation used: the trace also\n"
	"                       replays on the --config machine (with --setup, --map,\n"
	"                       --demand-paging[=SIZE], --no-auto-flush as for replay); the\n"
	"                       TLB holds every size, an access that faults misses\n"
	"  --kind data|instr|all  which accesses: loads and stores (default), fetches,\n"
	"                       or both (a unified TLB)\n"
	"  --format FMT         {formats}\n"
	"  --csv FILE           the whole curve: a row per size 1 .. max-entries\n"
	"  --svg FILE           a plot of miss ratio against log2(entries)\n"
	"  --json               one JSON object: every size's misses\n";

struct mrc_args {
	const char *trace;
	enum mmusim_trace_format format;
	mmusim_mrc_options opt;
	mmusim_mmu_options mmu_opt;  /* --page-size mapped: the machine's replay */
	uint64_t warmup;
	const char *csv, *svg;
	const char *kind_name;
};

static int parse_sets(const char *v, mmusim_mrc_options *opt)
{
	const char *p = v;

	opt->nr_sets = 0;
	for (;;) {
		char *end;
		errno = 0;
		unsigned long s = strtoul(p, &end, 10);
		if (end == p || errno || *p == '-' || s == 0 || (s & (s - 1)) || s > MRC_ENTRIES_MAX ||
		    opt->nr_sets == MMUSIM_MRC_MAX_SET_COUNTS || (*end && *end != ','))
			return cli_usage_error("bad --sets '%s' (expected up to %d powers of two, comma-separated)", v,
					       MMUSIM_MRC_MAX_SET_COUNTS);
		/* A second copy would print the same column twice. */
		for (unsigned i = 0; i < opt->nr_sets; i++)
			if (opt->sets[i] == s)
				return cli_usage_error("bad --sets '%s': %lu given twice", v, s);
		opt->sets[opt->nr_sets++] = (unsigned)s;
		if (!*end)
			return EXIT_OK;
		p = end + 1;
	}
}

static int parse_mrc_args(struct cli *cli, struct args *a, struct mrc_args *ma, bool *help)
{
	const char *v;
	int r;

	while (a->i < a->argc) {
		const char *arg = a->argv[a->i];

		if (args_help(a)) {
			*help = true;
			return EXIT_OK;
		}
		if ((r = args_value(a, "--max-entries", &v)) != 0) {
			uint64_t n;
			if (r < 0)
				return EXIT_BAD_INPUT;
			if (mmusim_parse_number(v, false, &n, NULL) != MMUSIM_OK || n < 1 || n > MRC_ENTRIES_MAX)
				return cli_usage_error("bad --max-entries '%s' (expected 1 to %u)", v, MRC_ENTRIES_MAX);
			ma->opt.max_entries = (unsigned)n;
			continue;
		}
		if ((r = args_value(a, "--sets", &v)) != 0) {
			if (r < 0 || parse_sets(v, &ma->opt))
				return EXIT_BAD_INPUT;
			continue;
		}
		if ((r = args_value(a, "--page-size", &v)) != 0) {
			uint64_t size;
			if (r < 0)
				return EXIT_BAD_INPUT;
			if (strcmp(v, "mapped") == 0)
				size = 0;
			else if (mmusim_parse_number(v, true, &size, NULL) != MMUSIM_OK || !size || (size & (size - 1)))
				return cli_usage_error("bad --page-size '%s' (expected 4K, 2M, 1G, another power of two or "
						       "mapped)", v);
			ma->opt.page_size = size;
			continue;
		}
		if ((r = args_value(a, "--kind", &v)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			if (strcmp(v, "data") == 0)
				ma->opt.kind = MMUSIM_MRC_DATA;
			else if (strcmp(v, "instr") == 0)
				ma->opt.kind = MMUSIM_MRC_INSTRUCTION;
			else if (strcmp(v, "all") == 0)
				ma->opt.kind = MMUSIM_MRC_ALL;
			else
				return cli_usage_error("bad --kind '%s' (expected data, instr or all)", v);
			ma->kind_name = v;
			continue;
		}
		if ((r = args_value(a, "--format", &v)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			if (mmusim_trace_format_parse(v, &ma->format) != MMUSIM_OK)
				return cli_bad_format(v);
			continue;
		}
		if ((r = args_value(a, "--csv", &ma->csv)) != 0 || (r = args_value(a, "--svg", &ma->svg)) != 0 ||
		    (r = cli_common_option(cli, a)) != 0 || (r = cli_replay_option(a, NULL, &ma->mmu_opt, &ma->warmup)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			continue;
		}
		if (arg[0] == '-' && arg[1] == '-')
			return cli_unknown_option("mrc", arg);
		if (ma->trace)
			return cli_usage_error("mrc: more than one trace given ('%s' and '%s')", ma->trace, arg);
		ma->trace = arg;
		a->i++;
	}
	if (ma->warmup)
		return cli_usage_error("mrc: --warmup is not taken: a 'stats reset' line in the trace zeroes the counts");
	const mmusim_mmu_options *mo = &ma->mmu_opt;
	if (ma->opt.page_size && (cli->config || cli->image || cli->nr_setup || mo->demand_page_size ||
				  mo->no_auto_flush || mo->check_stale))
		return cli_usage_error("mrc: %s goes with --page-size mapped (a fixed page size needs no machine)",
				       cli->config ? "--config" : cli->image ? "--image" : cli->nr_setup ? "--setup or --map" :
				       mo->demand_page_size ? "--demand-paging" : mo->no_auto_flush ? "--no-auto-flush" :
				       "--check-stale");
	if (!ma->trace)
		return cli_usage_error("mrc: no trace given (see mmusim mrc --help)");
	for (unsigned i = 0; i < ma->opt.nr_sets; i++)
		if (ma->opt.sets[i] > ma->opt.max_entries || ma->opt.max_entries % ma->opt.sets[i])
			return cli_usage_error("mrc: --sets %u does not divide --max-entries %u", ma->opt.sets[i],
					       ma->opt.max_entries);
	return EXIT_OK;
}

static double ratio(uint64_t misses, uint64_t accesses)
{
	return accesses ? (double)misses / (double)accesses : 0.0;
}

/* Misses of sets[s] sets at `entries` entries, or false when no such TLB exists (entries not a multiple). */
static bool set_point(const mmusim_mrc *m, const mmusim_mrc_options *o, unsigned s, unsigned entries,
		      uint64_t *misses)
{
	if (entries % o->sets[s])
		return false;
	*misses = mmusim_mrc_set_misses(m, s, entries / o->sets[s]);
	return true;
}

static void print_table(FILE *out, const mmusim_mrc *m, const struct mrc_args *ma, const uint64_t *curve)
{
	const mmusim_mrc_options *o = &ma->opt;

	char pages[48] = "pages as mapped";

	if (o->page_size)
		snprintf(pages, sizeof(pages), "%" PRIu64 "-byte pages", o->page_size);
	term_write(out, ma->trace);
	fprintf(out, ": %" PRIu64 " translations (%s accesses, %s), LRU\n", curve[0], ma->kind_name, pages);
	fprintf(out, "%10s %14s %10s", "entries", "misses", "miss ratio");
	for (unsigned s = 0; s < o->nr_sets; s++) {
		char head[32];
		snprintf(head, sizeof(head), "%u sets", o->sets[s]);
		fprintf(out, " %14s", head);
	}
	fputc('\n', out);
	for (unsigned e = 1; e <= o->max_entries; e *= 2) {
		fprintf(out, "%10u %14" PRIu64 " %10.4f", e, curve[e], ratio(curve[e], curve[0]));
		for (unsigned s = 0; s < o->nr_sets; s++) {
			uint64_t misses;
			if (set_point(m, o, s, e, &misses))
				fprintf(out, " %14" PRIu64, misses);
			else
				fprintf(out, " %14s", "-");
		}
		fputc('\n', out);
		if (e > o->max_entries / 2)
			break;
	}
	if (o->max_entries & (o->max_entries - 1)) /* the largest size, when it is no power of two */
		fprintf(out, "%10u %14" PRIu64 " %10.4f\n", o->max_entries, curve[o->max_entries],
			ratio(curve[o->max_entries], curve[0]));
}

static void write_csv(FILE *out, const mmusim_mrc *m, const mmusim_mrc_options *o, const uint64_t *curve)
{
	fputs("entries,misses,miss_ratio", out);
	for (unsigned s = 0; s < o->nr_sets; s++)
		fprintf(out, ",misses_%u_sets", o->sets[s]);
	fputc('\n', out);
	for (unsigned e = 1; e <= o->max_entries; e++) {
		fprintf(out, "%u,%" PRIu64 ",%.6f", e, curve[e], ratio(curve[e], curve[0]));
		for (unsigned s = 0; s < o->nr_sets; s++) {
			uint64_t misses;
			if (set_point(m, o, s, e, &misses))
				fprintf(out, ",%" PRIu64, misses);
			else
				fputc(',', out);
		}
		fputc('\n', out);
	}
}

static void write_json(FILE *out, const mmusim_mrc *m, const struct mrc_args *ma, const char *format,
		       const uint64_t *curve)
{
	const mmusim_mrc_options *o = &ma->opt;

	fputs("{\"trace\":", out);
	json_write_str(out, ma->trace);
	fputs(",\"format\":", out);
	json_write_str(out, format);
	fprintf(out, ",\"kind\":\"%s\",\"page_size\":%" PRIu64 ",\"max_entries\":%u,\"accesses\":%" PRIu64
		",\"partial_invalidations\":%" PRIu64 ",\"misses\":[", ma->kind_name, o->page_size, o->max_entries,
		curve[0], mmusim_mrc_partial_invalidations(m));
	for (unsigned e = 1; e <= o->max_entries; e++)
		fprintf(out, "%s%" PRIu64, e > 1 ? "," : "", curve[e]);
	fputs("],\"set_associative\":[", out);
	for (unsigned s = 0; s < o->nr_sets; s++) {
		fprintf(out, "%s{\"sets\":%u,\"misses_by_ways\":[", s ? "," : "", o->sets[s]);
		for (unsigned w = 1; w <= o->max_entries / o->sets[s]; w++)
			fprintf(out, "%s%" PRIu64, w > 1 ? "," : "", mmusim_mrc_set_misses(m, s, w));
		fputs("]}", out);
	}
	fputs("]}\n", out);
}

/*
 * The plot: x = log2(entries) at the powers of two where every curve has a
 * point (from the largest set count up), y = miss ratio.
 */
static int write_svg(FILE *out, const mmusim_mrc *m, const mmusim_mrc_options *o, const uint64_t *curve)
{
	unsigned from = 1, n = 0;
	double x[21], *y = calloc((size_t)21 * (1 + o->nr_sets), sizeof(*y));
	struct chart_series series[1 + MMUSIM_MRC_MAX_SET_COUNTS];
	char names[MMUSIM_MRC_MAX_SET_COUNTS][32];

	if (!y)
		return cli_usage_error("out of memory");
	for (unsigned s = 0; s < o->nr_sets; s++)
		if (o->sets[s] > from)
			from = o->sets[s];
	for (uint64_t e = from; e <= o->max_entries && n < 21; e *= 2, n++) {
		x[n] = __builtin_ctzll(e);
		y[n] = ratio(curve[e], curve[0]);
		for (unsigned s = 0; s < o->nr_sets; s++) {
			uint64_t misses = 0;
			set_point(m, o, s, (unsigned)e, &misses);
			y[21 * (s + 1) + n] = ratio(misses, curve[0]);
		}
	}
	series[0] = (struct chart_series){ "fully associative", y };
	for (unsigned s = 0; s < o->nr_sets; s++) {
		snprintf(names[s], sizeof(names[s]), "%u sets", o->sets[s]);
		series[s + 1] = (struct chart_series){ names[s], y + 21 * (s + 1) };
	}
	struct chart c = { .id = "mrc", .title = "LRU TLB miss ratio by size", .x_label = "log2(entries)",
			   .y_label = "miss ratio", .x = x, .n = n, .series = series, .nr_series = 1 + o->nr_sets };
	fputs("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"680\" height=\"260\">\n<style>"
	      "text{font:11px sans-serif}.title{font-weight:bold}.axis{stroke:#333;fill:none}"
	      ".grid{stroke:#ddd}</style>\n", out);
	chart_write_svg(out, &c);
	fputs("</svg>\n", out);
	free(y);
	return EXIT_OK;
}

/* Writes the CSV or the SVG file, which appears only when complete. */
static int write_file(const struct cli *cli, const char *path, const char *trace, const mmusim_mrc *m,
		      const mmusim_mrc_options *o, const uint64_t *curve, bool svg)
{
	mmusim_output *f;
	int rc;

	if ((rc = cli_output_open(cli, path, &trace, 1, &f)) != EXIT_OK)
		return rc;
	if (svg)
		rc = write_svg(mmusim_output_stream(f), m, o, curve);
	else
		write_csv(mmusim_output_stream(f), m, o, curve);
	return cli_output_finish(f, rc);
}

int cmd_mrc(struct cli *cli, struct args *a)
{
	struct mrc_args ma = { .format = MMUSIM_TRACE_AUTO, .kind_name = "data",
			       .opt = { .max_entries = MRC_DEFAULT_ENTRIES, .page_size = 4096, .kind = MMUSIM_MRC_DATA } };
	mmusim_mrc *m = NULL;
	mmusim_machine *machine = NULL;
	mmusim_mmu *mmu = NULL;
	mmusim_trace *t = NULL;
	mmusim_error err = { 0 };
	uint64_t *curve = NULL;
	bool help = false;
	int rc;

	if ((rc = parse_mrc_args(cli, a, &ma, &help)) != EXIT_OK)
		return rc;
	if (help) {
		cli_put_help(mrc_help, stdout);
		return EXIT_OK;
	}
	const char *output_options[] = { "--csv", "--svg" }, *outputs[] = { ma.csv, ma.svg };
	if ((rc = cli_output_not_stdout("mrc", "--csv", ma.csv, "the CSV", "table")) != EXIT_OK ||
	    (rc = cli_output_not_stdout("mrc", "--svg", ma.svg, "the SVG", "table")) != EXIT_OK ||
	    (rc = cli_outputs_distinct("mrc", output_options, outputs, 2)) != EXIT_OK ||
	    (rc = cli_output_check(cli, ma.csv, &ma.trace, 1)) != EXIT_OK ||
	    (rc = cli_output_check(cli, ma.svg, &ma.trace, 1)) != EXIT_OK)
		return rc;
	if (!ma.opt.page_size && (cli_open_machine(cli, &machine, &err) ||
				  cli_demand_page_size(mmusim_machine_config(machine), &ma.mmu_opt, &err) ||
				  cli_mmu_create(machine, &ma.mmu_opt, 0, &mmu, &err) ||
				  cli_read_future(cli, mmu, ma.trace, ma.format, "mrc", &err))) {
		rc = cli_fail(&err);
		goto out;
	}
	if (mmusim_mrc_create(&ma.opt, &m, &err) || cli_trace_open(cli, ma.trace, ma.format, &t, &err) ||
	    (mmu ? mmusim_mrc_run_mapped(m, mmu, t, &err) : mmusim_mrc_run(m, t, &err))) {
		rc = cli_fail(&err);
		goto out;
	}
	cli_trace_warn(t, ma.trace);
	mmusim_paging_stats paging;
	if (mmu && mmusim_mmu_paging_stats(mmu, &paging) && paging.evictions) {
		/*
		 * An eviction shoots the page's TLB entries down in the replay, inside the access that
		 * faulted; the stacks never hear of it, so the curves would sit below a replay's misses.
		 */
		rc = cli_usage_error("mrc: %s: the config's os: block evicted %" PRIu64 " pages (resident_pages), "
				     "whose TLB entries a replay shoots down and mrc does not model: its curves "
				     "would not be a replay's; use a config without resident_pages, or replay "
				     "each TLB size",
				     ma.trace, paging.evictions);
		goto out;
	}
	if (!(curve = malloc(((size_t)ma.opt.max_entries + 1) * sizeof(*curve)))) {
		rc = cli_usage_error("out of memory");
		goto out;
	}
	mmusim_mrc_curve(m, curve);
	/* The files first: one that cannot be written fails the command before anything is printed. */
	if ((ma.csv && (rc = write_file(cli, ma.csv, ma.trace, m, &ma.opt, curve, false)) != EXIT_OK) ||
	    (ma.svg && (rc = write_file(cli, ma.svg, ma.trace, m, &ma.opt, curve, true)) != EXIT_OK))
		goto out;
	if (cli->json)
		write_json(stdout, m, &ma, mmusim_trace_format_name(mmusim_trace_format(t)), curve);
	else
		print_table(stdout, m, &ma, curve);
	if (mmusim_mrc_partial_invalidations(m))
		fprintf(stderr, "mmusim: %s: note: partial flushes or page-table edits dropped pages (%" PRIu64
			" times): the curves may be below a replay's misses after them\n", ma.trace,
			mmusim_mrc_partial_invalidations(m));
out:
	free(curve);
	mmusim_trace_close(t);
	mmusim_mrc_destroy(m);
	mmusim_mmu_destroy(mmu);
	mmusim_machine_destroy(machine);
	return rc;
}
