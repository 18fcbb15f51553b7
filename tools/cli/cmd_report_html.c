/*
 * mmusim report --html FILE: one self-contained HTML page for a lecture or a
 * homework answer — the machine config, the page-table tree as inline SVG,
 * the walk of each --va step by step and, after --replay TRACE, the replay's
 * statistics and SVG line charts of its time series (miss rate per TLB,
 * walks and faults per interval).  Styles and the step-through script
 * (report_steps.c) are inline and nothing is fetched: the page renders offline.
 */
#define _POSIX_C_SOURCE 200809L
#include "commands.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "chart_svg.h"
#include "cli_errors.h"
#include "cli_machine.h"
#include "cli_options.h"
#include "cli_output.h"
#include "csv_series.h"
#include "draw.h"
#include "canonical_va.h"
#include "explain_grid.h"
#include "explain_text.h"
#include "replay_report.h"
#include "report_steps.h"
#include "root_halves.h"
#include "size_text.h"
#include "tree.h"
#include "view_options.h"

#define DEFAULT_INTERVAL 1000

static const char report_help[] =
	"usage: mmusim [--config NAME|FILE] report --html FILE [options]\n"
	"\n"
	"Writes one self-contained HTML page (inline SVG, CSS and script, no network):\n"
	"the machine config, the page-table tree as boxes and arrows, the walk of each\n"
	"--va step by step (FILE#step=W.S opens walk W at step S; buttons and arrow\n"
	"keys step through), and after --replay the statistics and charts of the\n"
	"replay's time series.\n"
	"\n"
	"options:\n"
	"  --html FILE          the page to write (required)\n"
	"  --va VA              explain the walk of VA (repeatable)\n"
	"  --access r|w|x, --user, --supervisor   the access those walks make\n"
	"  --depth N, --range START-END, --from START, --to END   limit the tree\n"
	"  --replay TRACE       replay TRACE first (the tree and walks show the result)\n"
	"  --interval N         accesses per point of the charts (default 1000)\n"
	"  --format FMT, --demand-paging[=SIZE], --no-auto-flush, --check-stale, --warmup N\n"
	"  --resident-pages N, --replacement P, --seed S, --clock-flush, --no-clock-flush\n"
	"                       as for replay; with the OS layer on, a chart of the\n"
	"                       resident set and the page faults per interval\n"
	"  --setup TRACE, --map 'VA PA LEN FLAGS'   build page tables first\n"
	"  --image FILE [--image-base PA] [--root PA | --cr3 V | --satp V | --ttbr0 V]\n"
	"                [--ttbr1 V] [--tcr V]   (AArch64: TTBR1_EL1, TCR_EL1)\n"
	"                [--stage2-root PA | --hgatp V | --eptp V | --ncr3 V | --vttbr V]\n"
	"                       report on the page tables inside a physical-memory image\n";

static const char css[] =
	"body{font-family:sans-serif;margin:2em;max-width:1800px;color:#222}"
	"h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em}"
	"table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left;"
	"font-family:monospace}th{background:#f0f0f0}"
	"pre{background:#f7f7f7;padding:.8em;overflow-x:auto}"
	".scroll{overflow-x:auto;border:1px solid #ddd}"
	"svg text{font-family:monospace;font-size:12px;fill:#222}"
	"svg.chart .axis{fill:none;stroke:#222}svg.chart .grid{stroke:#e4e4e4}svg.chart .title{font-size:14px;"
	"font-weight:bold}svg.chart .tick,svg.chart .legend{font-size:11px}"
	".result.ok{color:#26a269;font-weight:bold}.result.fault{color:#c01c28;font-weight:bold}"
	".charts{display:flex;flex-wrap:wrap;gap:1em}\n";

struct report_args {
	const char *html;
	const char *trace;
	enum mmusim_trace_format format;
	mmusim_mmu_options opt;
	uint64_t warmup;            /* --warmup: accesses before the statistics reset */
	struct view_options view;
};

static int parse_args(struct cli *cli, struct args *a, struct report_args *ra, bool *help)
{
	int r;

	while (a->i < a->argc) {
		const char *arg = a->argv[a->i];

		if (args_help(a)) {
			*help = true;
			return EXIT_OK;
		}
		if ((r = cli_common_option(cli, a)) != 0 || (r = view_option(&ra->view, a, true)) != 0 ||
		    (r = args_value(a, "--html", &ra->html)) != 0 || (r = args_value(a, "--replay", &ra->trace)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			continue;
		}
		if ((r = cli_interval_option(a, &ra->opt.interval)) != 0 ||
		    (r = cli_replay_option(a, &ra->format, &ra->opt, &ra->warmup)) != 0 ||
		    (r = cli_os_option(a, &ra->opt)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			continue;
		}
		return cli_usage_error("report: unexpected argument '%s' (see mmusim report --help)", arg);
	}
	if (!ra->html)
		return cli_usage_error("report: --html FILE is required (see mmusim report --help)");
	if (cli->json)
		return cli_usage_error("report: writes HTML only; --json is for replay, translate, mappings and show");
	if (!ra->trace && (ra->opt.interval || ra->opt.demand_page_size || ra->format != MMUSIM_TRACE_AUTO ||
			   ra->opt.no_auto_flush || ra->opt.check_stale || ra->warmup || ra->opt.resident_pages ||
			   ra->opt.replacement))
		return cli_usage_error("report: --interval, --format, --demand-paging, --no-auto-flush, --check-stale, "
				       "--warmup, --resident-pages and --replacement need --replay TRACE");
	if (ra->trace && cli->image && ra->opt.demand_page_size)
		return cli_usage_error("report: --demand-paging needs simulated memory, not an --image");
	if (!ra->opt.interval)
		ra->opt.interval = DEFAULT_INTERVAL;
	return EXIT_OK;
}

static void write_text_escaped(FILE *out, const char *text, size_t len)
{
	char *copy = strndup(text, len);
	if (copy)
		xml_write_escaped(out, copy);
	free(copy);
}

static void write_config(FILE *out, const mmusim_config *cfg)
{
	unsigned user_start, user_end, kernel_start, kernel_end, nr_tlbs = mmusim_config_nr_tlbs(cfg);
	mmusim_cache_info ci;
	char size[32], top[80] = "", levels[64], va_width[64];

	/* Halves of different VA sizes (T0SZ != T1SZ) each have their own levels and top width. */
	if (halves_differ(cfg)) {
		snprintf(top, sizeof(top), "; at the top level %u in TTBR0's table, %u in TTBR1's",
			 mmusim_config_half_top_entries(cfg, false), mmusim_config_half_top_entries(cfg, true));
		snprintf(levels, sizeof(levels), "%u in TTBR0's table, %u in TTBR1's", mmusim_config_half_levels(cfg, false),
			 mmusim_config_half_levels(cfg, true));
		snprintf(va_width, sizeof(va_width), "%u bits in TTBR0's half, %u in TTBR1's",
			 mmusim_config_half_va_bits(cfg, false), mmusim_config_half_va_bits(cfg, true));
	} else {
		if (mmusim_config_top_entries(cfg) != mmusim_config_entries_per_node(cfg))
			snprintf(top, sizeof(top), "; %u at the top level", mmusim_config_top_entries(cfg));
		snprintf(levels, sizeof(levels), "%u", mmusim_config_levels(cfg));
		snprintf(va_width, sizeof(va_width), "%u bits", mmusim_config_va_bits(cfg));
	}
	fputs("<section id=\"config\">\n<h2>Machine</h2>\n<table class=\"config\">\n", out);
	fputs("<tr><th>config</th><td>", out);
	xml_write_escaped(out, mmusim_config_name(cfg));
	fprintf(out, "</td></tr>\n<tr><th>PTE format</th><td>%s</td></tr>\n", mmusim_config_arch(cfg));
	format_page_size(mmusim_config_page_size(cfg), size, sizeof(size));
	fprintf(out, "<tr><th>levels</th><td>%s</td></tr>\n<tr><th>base page</th><td>%s</td></tr>\n"
		"<tr><th>entries per node</th><td>%u of %u bytes (%u index bits)%s</td></tr>\n"
		"<tr><th>VA width</th><td>%s%s</td></tr>\n<tr><th>PA width</th><td>%u bits</td></tr>\n",
		levels, size, mmusim_config_entries_per_node(cfg), mmusim_config_pte_size(cfg),
		mmusim_config_index_bits(cfg), top, va_width,
		mmusim_config_va_sign_extended(cfg) ? ", sign-extended" : "", mmusim_config_pa_bits(cfg));
	fputs("<tr><th>page sizes</th><td>", out);
	/* Leaves may sit at every level from 1 up to the highest translation level. */
	for (unsigned l = 1; mmusim_config_leaf_size(cfg, l); l++) {
		format_page_size(mmusim_config_leaf_size(cfg, l), size, sizeof(size));
		fprintf(out, "%s%s (L%u)", l > 1 ? ", " : "", size, l);
	}
	format_size(mmusim_config_memory_size(cfg), size, sizeof(size));
	fprintf(out, "</td></tr>\n<tr><th>memory</th><td>%s at 0x%" PRIx64 "</td></tr>\n", size,
		mmusim_config_memory_base(cfg));
	mmusim_config_user_top_range(cfg, &user_start, &user_end);
	mmusim_config_kernel_top_range(cfg, &kernel_start, &kernel_end);
	fprintf(out, "<tr><th>user / kernel top-level indexes</th><td>[%u, %u) / [%u, %u)</td></tr>\n", user_start,
		user_end, kernel_start, kernel_end);
	if (mmusim_config_split_roots(cfg))
		fprintf(out, "<tr><th>roots</th><td>%s: VAs 0x0..0x%" PRIx64 "; %s: VAs 0x%" PRIx64 "..0xffffffffffffffff "
			"(VA bit %u picks the root)</td></tr>\n", root_half_label(false), lower_half_end(cfg),
			root_half_label(true), upper_half_start(cfg), ROOT_SELECT_BIT);
	fputs("<tr><th>TLBs</th><td>", out);
	for (unsigned i = 0; i < nr_tlbs; i++) {
		mmusim_config_cache_info(cfg, false, i, &ci);
		fputs(i ? ", " : "", out);
		xml_write_escaped(out, ci.name);
		fprintf(out, " (%u entries, %u ways)", ci.entries, ci.ways);
	}
	fputs(nr_tlbs ? "</td></tr>\n</table>\n" : "none</td></tr>\n</table>\n", out);
	const char *yaml = mmusim_preset_yaml(mmusim_config_name(cfg));
	if (yaml) {
		fputs("<details><summary>preset YAML</summary><pre class=\"yaml\">", out);
		xml_write_escaped(out, yaml);
		fputs("</pre></details>\n", out);
	}
	fputs("</section>\n", out);
}

static void write_walk(FILE *out, mmusim_machine *m, const struct tree *t, const mmusim_request *req, unsigned k)
{
	const mmusim_config *cfg = mmusim_machine_config(m);
	mmusim_translation res;
	struct palette plain;
	char flags[160], answer[512];
	char *text = NULL;
	size_t len = 0;
	/* A virtual machine's walk: the guest's steps (at GPAs) here, its 2-D grid below. */
	mmusim_nested_translation *vm = mmusim_machine_is_vm(m) ? malloc(sizeof(*vm)) : NULL;

	if (vm && mmusim_translate_nested(m, req, vm) == MMUSIM_OK) {
		res = vm->combined;
	} else {
		free(vm);
		vm = NULL;
		mmusim_translate(m, req, &res);
	}
	fprintf(out, "<article class=\"walk\" id=\"walk-%u\">\n<h3>0x%" PRIx64 " (%s, %s)</h3>\n", k + 1, req->va,
		mmusim_access_name(req->access), mmusim_priv_name(req->priv));
	fputs("<table class=\"steps\">\n<tr><th>level</th><th>table</th><th>index</th><th>PTE address</th>"
	      "<th>raw PTE</th><th>bits</th></tr>\n", out);
	for (unsigned i = 0; i < res.nr_steps; i++) {
		const mmusim_walk_step *s = &res.steps[i];
		bool unread = i + 1 == res.nr_steps && !res.ok && res.fault_kind == MMUSIM_FAULT_BUS_ERROR;
		fputs("<tr class=\"step\"", out);
		report_steps_write_step_attrs(out, cfg, t, req->va, k, i, s);
		fprintf(out, "><td>L%u</td><td>0x%" PRIx64 "</td><td>%u</td><td>0x%" PRIx64 "</td>",
			s->level, s->table, s->index, s->pte_addr);
		if (unread) {
			fputs("<td>-</td><td>outside physical memory</td></tr>\n", out);
			continue;
		}
		mmusim_pte_describe(cfg, s->pte, s->level, flags, sizeof(flags));
		fprintf(out, "<td>0x%0*" PRIx64 "</td><td>", 2 * mmusim_config_pte_size(cfg), s->pte);
		xml_write_escaped(out, flags);
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n", out);
	explain_answer(cfg, req->va, &res, answer, sizeof(answer));
	fprintf(out, "<p class=\"result %s\">", res.ok ? "ok" : "fault");
	xml_write_escaped(out, answer);
	fputs("</p>\n", out);
	FILE *mem = open_memstream(&text, &len);
	if (mem) {
		palette_init(&plain, false);
		if (vm)
			explain_grid_write(mem, m, req, vm, &plain);
		else
			explain_write(mem, cfg, req, mmusim_root(m), mmusim_upper_root(m), mmusim_current_asid(m), &res, m,
				      &plain);
		fclose(mem);
		fputs(vm ? "<details open><summary>explained bit by bit, and the two-stage walk as a grid</summary>"
			   "<pre class=\"explain\">"
			 : "<details><summary>explained bit by bit</summary><pre class=\"explain\">", out);
		write_text_escaped(out, text, len);
		fputs("</pre></details>\n", out);
	}
	free(text);
	free(vm);
	fputs("</article>\n", out);
}

/* The CSV column named `name`, or NULL. */
static double *column(const struct csv_series *s, const char *name)
{
	for (unsigned i = 0; i < s->nr_cols; i++)
		if (s->names[i] && strcmp(s->names[i], name) == 0)
			return s->col[i];
	return NULL;
}

static void write_charts(FILE *out, char *csv)
{
	struct csv_series s;

	if (csv_series_parse(&s, csv) || s.nr_cols < 3 || !s.n) {
		fputs("<p>No accesses: nothing to chart.</p>\n", out);
		csv_series_free(&s);
		return;
	}
	/* The TLBs' columns, "l1d_miss_rate" legended "l1d"; then walks, faults and (the OS layer's) paging columns. */
	unsigned nr_tlb = 0;
	struct chart_series tlbs[REPLAY_SUMMARY_MAX_TLBS];
	for (unsigned i = 1; i < s.nr_cols && nr_tlb < REPLAY_SUMMARY_MAX_TLBS; i++) {
		char *suffix = s.names[i] ? strstr(s.names[i], "_miss_rate") : NULL;
		if (!suffix)
			continue;
		*suffix = '\0';
		tlbs[nr_tlb++] = (struct chart_series){ .name = s.names[i], .y = s.col[i] };
	}
	struct chart_series walks = { .name = "walks", .y = column(&s, "walks") };
	struct chart_series faults = { .name = "faults", .y = column(&s, "faults") };
	struct chart charts[] = {
		{ "chart-miss-rate", "TLB miss rate per interval", "accesses", "miss rate", s.col[0], s.n, tlbs, nr_tlb, false },
		{ "chart-walks", "page walks per interval", "accesses", "walks", s.col[0], s.n, &walks, 1, true },
		{ "chart-faults", "faults per interval", "accesses", "faults", s.col[0], s.n, &faults, 1, true },
	};
	fputs("<div class=\"charts\">\n", out);
	for (unsigned i = 0; i < sizeof(charts) / sizeof(charts[0]); i++)
		if (charts[i].nr_series && charts[i].series[0].y)
			chart_write_svg(out, &charts[i]);
	/* The OS layer's timeline: the resident set beside what moved it. */
	static const char *const paging[] = { "resident", "page_faults", "major_faults", "evictions", "cow_copies" };
	struct chart_series os[sizeof(paging) / sizeof(paging[0])];
	unsigned nr_os = 0;
	for (unsigned i = 0; i < sizeof(paging) / sizeof(paging[0]); i++)
		if (column(&s, paging[i]))
			os[nr_os++] = (struct chart_series){ .name = paging[i], .y = column(&s, paging[i]) };
	if (nr_os) {
		struct chart c = { "chart-paging", "resident pages and page faults per interval", "accesses", "pages",
				   s.col[0], s.n, os, nr_os, true };
		chart_write_svg(out, &c);
	}
	fputs("</div>\n", out);
	csv_series_free(&s);
}

/* Replays the trace over m; the statistics and the CSV rows go to the two strings. */
static int run_replay(const struct cli *cli, mmusim_machine *m, struct report_args *ra, char **stats, char **csv,
		      mmusim_error *err)
{
	const mmusim_config *cfg = mmusim_machine_config(m);
	mmusim_trace *t = NULL;
	mmusim_mmu *mmu = NULL;
	size_t stats_len = 0, csv_len = 0;
	FILE *csv_out = open_memstream(csv, &csv_len), *stats_out = NULL;
	int rc;

	*stats = NULL;
	if (!csv_out)
		return cli_set_error(err, MMUSIM_ENOMEM, "out of memory");
	ra->opt.interval_csv = csv_out;
	if ((rc = cli_demand_page_size(cfg, &ra->opt, err)) || (rc = cli_trace_open(cli, ra->trace, ra->format, &t, err)) ||
	    (rc = cli_mmu_create(m, &ra->opt, ra->warmup, &mmu, err)) ||
	    (rc = cli_read_future(cli, mmu, ra->trace, ra->format, "report", err)))
		goto out;
	rc = mmusim_mmu_replay(mmu, t, err);
	mmusim_mmu_finish(mmu);
	if (!rc)
		cli_trace_warn(t, ra->trace);
	if (!rc && (stats_out = open_memstream(stats, &stats_len))) {
		struct replay_report_info info = { .trace = ra->trace,
						   .format = mmusim_trace_format_name(mmusim_trace_format(t)) };
		struct replay_summary sum;
		replay_summary_from_mmu(&sum, mmu, cfg, ra->opt.check_stale);
		replay_summary_report(stats_out, false, &sum, &info);
		fclose(stats_out);
		replay_warmup_note(stderr, ra->trace, NULL, &sum);
	}
out:
	mmusim_mmu_destroy(mmu);
	mmusim_trace_close(t);
	fclose(csv_out);
	return rc;
}

int cmd_report(struct cli *cli, struct args *a)
{
	struct report_args ra = { .format = MMUSIM_TRACE_AUTO };
	mmusim_error err = { 0 };
	mmusim_machine *m = NULL;
	const mmusim_config *cfg;
	char *stats = NULL, *csv = NULL;
	bool help = false;
	struct tree t;
	int rc;

	view_options_init(&ra.view);
	if ((rc = parse_args(cli, a, &ra, &help)) != EXIT_OK)
		return rc;
	if (help) {
		fputs(report_help, stdout);
		return EXIT_OK;
	}
	if ((rc = cli_stdin_once(cli, "report", ra.trace)) != EXIT_OK)
		return rc;
	/* An output over an input is refused before the replay runs, not after (cli_output_open checks again). */
	const char *inputs[] = { ra.trace };
	if ((rc = cli_output_check(cli, ra.html, inputs, 1)) != EXIT_OK)
		return rc;
	if (cli_open_machine(cli, &m, &err))
		return cli_fail(&err);
	cfg = mmusim_machine_config(m);
	if (view_options_resolve(&ra.view, cfg, &err) || (ra.trace && run_replay(cli, m, &ra, &stats, &csv, &err))) {
		rc = cli_fail(&err);
		goto out;
	}
	/* After a replay the tree is the current address space's, as the trace left it. */
	if (tree_build_machine(&t, m, &ra.view.tree, &err)) {
		rc = cli_fail(&err);
		goto out;
	}
	for (unsigned k = 0; k < ra.view.nr_va; k++) {
		mmusim_request req = ra.view.req;
		mmusim_translation res;
		req.va = ra.view.va[k];
		req.no_ad_update = true;
		mmusim_translate(m, &req, &res);
		tree_mark_walk(&t, &res, k);
	}
	mmusim_output *html;
	FILE *out;
	if ((rc = cli_output_open(cli, ra.html, inputs, 1, &html)) != EXIT_OK) {
		tree_free(&t);
		goto out;
	}
	if (!(out = mmusim_output_stream(html))) {
		mmusim_output_abort(html);
		rc = cli_usage_error("out of memory");
		tree_free(&t);
		goto out;
	}
	struct walk_marks marks = { .va = ra.view.va, .nr = ra.view.nr_va };
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>mmusim report: ", out);
	xml_write_escaped(out, mmusim_config_name(cfg));
	fprintf(out, "</title>\n<style>%s", css);
	report_steps_write_style(out, ra.view.nr_va);
	fputs("</style>\n</head>\n<body>\n<h1>mmusim report: ", out);
	xml_write_escaped(out, mmusim_config_name(cfg));
	fputs("</h1>\n", out);
	write_config(out, cfg);
	fputs("<section id=\"tree\">\n<h2>Page-table tree</h2>\n<p>One box per table, one line per present entry "
	      "(runs of similar leaves are one line with a count), an arrow from each pointer to the table below; "
	      "the entries each walk below reads are in the walk's colour.</p>\n", out);
	if (ra.view.nr_va)
		report_steps_write_panel(out, cfg, ra.view.va, ra.view.nr_va);
	fputs("<div class=\"scroll\">\n", out);
	tree_write_svg(out, cfg, &t, &marks);
	fputs("</div>\n</section>\n", out);
	if (ra.view.nr_va) {
		fputs("<section id=\"walks\">\n<h2>Walks</h2>\n", out);
		for (unsigned k = 0; k < ra.view.nr_va; k++) {
			mmusim_request req = ra.view.req;
			req.va = ra.view.va[k];
			req.no_ad_update = true;
			write_walk(out, m, &t, &req, k);
		}
		fputs("</section>\n", out);
	}
	if (ra.trace) {
		fputs("<section id=\"replay\">\n<h2>Replay of ", out);
		xml_write_escaped(out, ra.trace);
		fprintf(out, "</h2>\n<pre class=\"stats\">");
		if (stats)
			xml_write_escaped(out, stats);
		fprintf(out, "</pre>\n<p>Time series, one point every %" PRIu64 " accesses.</p>\n", ra.opt.interval);
		write_charts(out, csv ? csv : (char[]){ "" });
		fputs("</section>\n", out);
	}
	if (ra.view.nr_va)
		report_steps_write_script(out);
	fputs("</body>\n</html>\n", out);
	tree_free(&t);
	rc = cli_output_commit(html);
out:
	free(stats);
	free(csv);
	mmusim_machine_destroy(m);
	return rc;
}
