/*
 * mmusim report --html FILE: one self-contained HTML page for a lecture or a
 * homework answer — the machine config, the page-table tree as inline SVG,
 * the walk of each --va step by step and, after --replay TRACE, the replay's
 * statistics and SVG line charts of its time series (miss rate per TLB,
 * walks and faults per interval).  Styles are inline and nothing is fetched:
 * the page renders offline.
 */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "chart_svg.h"
#include "csv_series.h"
#include "draw.h"
#include "pt/pt_arch.h"
#include "sim/number.h"
#include "sim/trace.h"
#include "view_options.h"

#define BATCH 4096
#define DEFAULT_INTERVAL 1000

static const char report_help[] =
	"usage: mmusim [--config NAME|FILE] report --html FILE [options]\n"
	"\n"
	"Writes one self-contained HTML page (inline SVG and CSS, no network): the\n"
	"machine config, the page-table tree, the walk of each --va step by step, and\n"
	"after --replay the statistics and charts of the replay's time series.\n"
	"\n"
	"options:\n"
	"  --html FILE          the page to write (required)\n"
	"  --va VA              explain the walk of VA (repeatable)\n"
	"  --access r|w|x, --user, --supervisor   the access those walks make\n"
	"  --depth N, --range START-END, --from START, --to END   limit the tree\n"
	"  --replay TRACE       replay TRACE first (the tree and walks show the result)\n"
	"  --interval N         accesses per point of the charts (default 1000)\n"
	"  --format auto|text|lackey|binary, --demand-paging[=SIZE]   as for replay\n"
	"  --setup TRACE, --map 'VA PA LEN FLAGS'   build page tables first\n"
	"  --image FILE [--image-base PA] [--root PA | --cr3 V | --satp V]\n"
	"                       report on the page tables inside a physical-memory image\n";

static const char css[] =
	"body{font-family:sans-serif;margin:2em;max-width:1200px;color:#222}"
	"h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em}"
	"table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left;"
	"font-family:monospace}th{background:#f0f0f0}"
	"pre{background:#f7f7f7;padding:.8em;overflow-x:auto}"
	".scroll{overflow-x:auto;border:1px solid #ddd}"
	"svg text{font-family:monospace;font-size:12px;fill:#222}"
	"svg.tree .edge{fill:none;stroke:#999;stroke-width:1}svg.tree .edge.walk{stroke:#d00000;stroke-width:2.5}"
	"svg.tree .raw{fill:#555}svg.tree .flags{fill:#1a5fb4}svg.tree .target{fill:#26a269}"
	"svg.tree .walk text,svg.tree text.walk{fill:#b00000;font-weight:bold}"
	"svg.tree .walk .flags,svg.tree .walk .raw,svg.tree .walk .target{fill:#b00000}"
	"svg.chart .axis{fill:none;stroke:#222}svg.chart .grid{stroke:#e4e4e4}svg.chart .title{font-size:14px;"
	"font-weight:bold}svg.chart .tick,svg.chart .legend{font-size:11px}"
	".result.ok{color:#26a269;font-weight:bold}.result.fault{color:#c01c28;font-weight:bold}"
	".charts{display:flex;flex-wrap:wrap;gap:1em}\n";

struct report_args {
	const char *html;
	const char *trace;
	enum trace_format format;
	struct replay_options opt;
	struct view_options view;
};

static int parse_args(struct cli *cli, struct args *a, struct report_args *ra, bool *help)
{
	const char *v;
	int r;

	while (a->i < a->argc) {
		const char *arg = a->argv[a->i];

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			*help = true;
			return EXIT_OK;
		}
		if ((r = cli_common_option(cli, a)) != 0 || (r = view_option(&ra->view, a, true)) != 0 ||
		    (r = args_value(a, "--html", &ra->html)) != 0 || (r = args_value(a, "--replay", &ra->trace)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			continue;
		}
		if ((r = args_value(a, "--interval", &v)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			if (number_parse(v, true, &ra->opt.interval) != NUMBER_OK || !ra->opt.interval)
				return cli_usage_error("bad --interval '%s' (expected a positive number of accesses)", v);
			continue;
		}
		if ((r = args_value(a, "--format", &v)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			if (trace_format_parse(v, &ra->format) != 0)
				return cli_usage_error("bad --format '%s' (expected auto, text, lackey or binary)", v);
			continue;
		}
		if (strcmp(arg, "--demand-paging") == 0 || strncmp(arg, "--demand-paging=", 16) == 0) {
			uint64_t size = 1;
			if (arg[15] == '=' && (number_parse(arg + 16, true, &size) != NUMBER_OK || !size || (size & (size - 1))))
				return cli_usage_error("bad --demand-paging size '%s' (expected 4K, 2M or 1G)", arg + 16);
			ra->opt.demand_page_size = size;
			a->i++;
			continue;
		}
		return cli_usage_error("report: unexpected argument '%s' (see mmusim report --help)", arg);
	}
	if (!ra->html)
		return cli_usage_error("report: --html FILE is required (see mmusim report --help)");
	if (cli->json)
		return cli_usage_error("report: writes HTML only; --json is for replay, translate, mappings and show");
	if (!ra->trace && (ra->opt.interval || ra->opt.demand_page_size || ra->format != TRACE_FORMAT_AUTO))
		return cli_usage_error("report: --interval, --format and --demand-paging need --replay TRACE");
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

static void write_config(FILE *out, const struct machine_config *cfg)
{
	const struct paging_consts *pc = &cfg->pc;
	char size[32];

	fputs("<section id=\"config\">\n<h2>Machine</h2>\n<table class=\"config\">\n", out);
	fputs("<tr><th>config</th><td>", out);
	xml_write_escaped(out, cfg->name);
	fprintf(out, "</td></tr>\n<tr><th>PTE format</th><td>%s</td></tr>\n", cfg->arch->name);
	format_size(pc->base_page_size, size, sizeof(size));
	fprintf(out, "<tr><th>levels</th><td>%u</td></tr>\n<tr><th>base page</th><td>%s</td></tr>\n"
		"<tr><th>entries per node</th><td>%u of %u bytes (%u index bits)</td></tr>\n"
		"<tr><th>VA width</th><td>%u bits%s</td></tr>\n<tr><th>PA width</th><td>%u bits</td></tr>\n",
		pc->nr_levels, size, pc->nr_entries, pc->pte_size, pc->index_bits, pc->address_width,
		pc->va_sign_ext ? ", sign-extended" : "", pc->phys_addr_width);
	fputs("<tr><th>page sizes</th><td>", out);
	for (unsigned l = 1; l <= pc->highest_translation_level; l++) {
		format_size(pc_page_size(pc, l), size, sizeof(size));
		fprintf(out, "%s%s (L%u)", l > 1 ? ", " : "", size, l);
	}
	format_size(cfg->mem_size, size, sizeof(size));
	fprintf(out, "</td></tr>\n<tr><th>memory</th><td>%s at 0x%" PRIx64 "</td></tr>\n", size, cfg->mem_base);
	fprintf(out, "<tr><th>user / kernel top-level indexes</th><td>[%u, %u) / [%u, %u)</td></tr>\n", cfg->user.top_start,
		cfg->user.top_end, cfg->kernel.top_start, cfg->kernel.top_end);
	fputs("<tr><th>TLBs</th><td>", out);
	for (unsigned i = 0; i < cfg->nr_tlb; i++) {
		fputs(i ? ", " : "", out);
		xml_write_escaped(out, cfg->tlb[i].name);
		fprintf(out, " (%u entries, %u ways)", cfg->tlb[i].entries, cfg->tlb[i].ways);
	}
	fputs(cfg->nr_tlb ? "</td></tr>\n</table>\n" : "none</td></tr>\n</table>\n", out);
	const char *yaml = config_preset_text(cfg->name);
	if (yaml) {
		fputs("<details><summary>preset YAML</summary><pre class=\"yaml\">", out);
		xml_write_escaped(out, yaml);
		fputs("</pre></details>\n", out);
	}
	fputs("</section>\n", out);
}

static void write_walk(FILE *out, const char *config, const struct machine_config *cfg, const struct walker *w,
		       const struct walk_request *req, unsigned k)
{
	const struct paging_consts *pc = &cfg->pc;
	struct walk_result res;
	struct palette plain;
	char flags[160], perms[6], size[32], code[160];
	char *text = NULL;
	size_t len = 0;

	walk(w, req, &res);
	fprintf(out, "<article class=\"walk\" id=\"walk-%u\">\n<h3>0x%" PRIx64 " (%s, %s)</h3>\n", k + 1, req->va,
		access_kind_name(req->access), privilege_name(req->priv));
	fputs("<table class=\"steps\">\n<tr><th>level</th><th>table</th><th>index</th><th>PTE address</th>"
	      "<th>raw PTE</th><th>bits</th></tr>\n", out);
	for (unsigned i = 0; i < res.nr_steps; i++) {
		const struct walk_step *s = &res.steps[i];
		bool unread = i + 1 == res.nr_steps && !res.ok && res.fault.kind == FAULT_BUS_ERROR;
		fprintf(out, "<tr class=\"step\"><td>L%u</td><td>0x%" PRIx64 "</td><td>%u</td><td>0x%" PRIx64 "</td>",
			s->level, s->table, s->index, s->pte_addr);
		if (unread) {
			fputs("<td>-</td><td>outside physical memory</td></tr>\n", out);
			continue;
		}
		cfg->arch->describe_pte(pc, s->pte, s->level, flags, sizeof(flags));
		fprintf(out, "<td>0x%0*" PRIx64 "</td><td>", 2 * pc->pte_size, s->pte);
		xml_write_escaped(out, flags);
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n", out);
	if (res.ok) {
		perms_format(res.perms, perms);
		format_size(res.page_size, size, sizeof(size));
		fprintf(out, "<p class=\"result ok\">PA 0x%" PRIx64 " (%s page, level %u), perms %s</p>\n", res.pa, size,
			res.level, perms);
	} else {
		cfg->arch->describe_fault(&res.fault, code, sizeof(code));
		fprintf(out, "<p class=\"result fault\">fault %s at level %u, ", fault_kind_name(res.fault.kind),
			res.fault.level);
		xml_write_escaped(out, code);
		fputs(": ", out);
		xml_write_escaped(out, walk_reason_text(res.fault.reason));
		fputs("</p>\n", out);
	}
	FILE *mem = open_memstream(&text, &len);
	if (mem) {
		palette_init(&plain, false);
		explain_write_internal(mem, config, req, &res, &plain);
		fclose(mem);
		fputs("<details><summary>explained bit by bit</summary><pre class=\"explain\">", out);
		write_text_escaped(out, text, len);
		fputs("</pre></details>\n", out);
	}
	free(text);
	fputs("</article>\n", out);
}

static void write_charts(FILE *out, char *csv)
{
	struct csv_series s;

	if (csv_series_parse(&s, csv) || s.nr_cols < 3 || !s.n) {
		fputs("<p>No accesses: nothing to chart.</p>\n", out);
		csv_series_free(&s);
		return;
	}
	unsigned nr_tlb = s.nr_cols - 3;
	struct chart_series tlbs[CONFIG_MAX_TLBS];
	for (unsigned i = 0; i < nr_tlb && i < CONFIG_MAX_TLBS; i++) {
		/* The CSV column "l1d_miss_rate" is the legend "l1d". */
		char *suffix = s.names[1 + i] ? strstr(s.names[1 + i], "_miss_rate") : NULL;
		if (suffix)
			*suffix = '\0';
		tlbs[i] = (struct chart_series){ .name = s.names[1 + i] ? s.names[1 + i] : "?", .y = s.col[1 + i] };
	}
	struct chart_series walks = { .name = "walks", .y = s.col[nr_tlb + 1] };
	struct chart_series faults = { .name = "faults", .y = s.col[nr_tlb + 2] };
	struct chart charts[] = {
		{ "chart-miss-rate", "TLB miss rate per interval", "accesses", "miss rate", s.col[0], s.n, tlbs,
		  nr_tlb < CONFIG_MAX_TLBS ? nr_tlb : CONFIG_MAX_TLBS },
		{ "chart-walks", "page walks per interval", "accesses", "walks", s.col[0], s.n, &walks, 1 },
		{ "chart-faults", "faults per interval", "accesses", "faults", s.col[0], s.n, &faults, 1 },
	};
	fputs("<div class=\"charts\">\n", out);
	for (unsigned i = 0; i < sizeof(charts) / sizeof(charts[0]); i++)
		chart_write_svg(out, &charts[i]);
	fputs("</div>\n", out);
	csv_series_free(&s);
}

/* Replays the trace over m; the statistics and the CSV rows go to the two strings. */
static int run_replay(struct machine *m, struct report_args *ra, char **stats, char **csv, struct mm_error *err)
{
	struct trace_reader *rd = NULL;
	struct trace_event *ev = NULL;
	struct replay r;
	size_t stats_len = 0, csv_len = 0;
	FILE *csv_out = open_memstream(csv, &csv_len), *stats_out = NULL;
	int rc = MM_OK;
	long n;

	*stats = NULL;
	if (!csv_out)
		return mm_error_set(err, MM_ENOMEM, "out of memory");
	if (ra->opt.demand_page_size == 1)
		ra->opt.demand_page_size = m->cfg.pc.base_page_size;
	ra->opt.interval_out = csv_out;
	if ((rc = trace_reader_open(ra->trace, ra->format, &rd, err))) {
		fclose(csv_out);
		return rc;
	}
	if (!(ev = malloc(BATCH * sizeof(*ev)))) {
		rc = mm_error_set(err, MM_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = replay_init(&r, m, &ra->opt, ra->trace, err)))
		goto out;
	while ((n = trace_reader_next(rd, ev, BATCH, err)) > 0)
		if ((rc = replay_events(&r, ev, (size_t)n, err)))
			break;
	if (n < 0 && !rc)
		rc = err->code ? err->code : MM_EINVAL;
	replay_finish(&r);
	if (!rc && (stats_out = open_memstream(stats, &stats_len))) {
		struct replay_report_info info = { .trace = ra->trace,
						   .format = trace_format_name(trace_reader_format(rd)) };
		replay_report(stats_out, false, &r, &info);
		fclose(stats_out);
	}
	replay_fini(&r);
out:
	free(ev);
	trace_reader_close(rd);
	fclose(csv_out);
	return rc;
}

int cmd_report(struct cli *cli, struct args *a)
{
	struct report_args ra = { .format = TRACE_FORMAT_AUTO };
	struct mm_error err = { 0 };
	struct machine *attached = NULL, *m;
	char *stats = NULL, *csv = NULL;
	bool help = false;
	mmusim_config *pub_cfg = NULL;
	mmusim_error pub_err = { 0 };
	struct view v;
	struct tree t;
	int rc;

	view_options_init(&ra.view);
	if ((rc = parse_args(cli, a, &ra, &help)) != EXIT_OK)
		return rc;
	if (help) {
		fputs(report_help, stdout);
		return EXIT_OK;
	}
	if (cli_open_view(cli, &v, &err))
		return cli_fail(&err);
	/* The tree and its drawing speak the public API: the same config, loaded as the view's was. */
	if (mmusim_config_load(cli->config ? cli->config : "x86_64", &pub_cfg, &pub_err) ||
	    view_options_resolve(&ra.view, pub_cfg, &pub_err)) {
		mmusim_config_free(pub_cfg);
		cli_close_view(&v);
		return cli_api_fail(&pub_err);
	}
	m = v.m;
	if (ra.trace && !m && machine_attach(&v.cfg, &v.img_mem, v.root, &attached, &err) == MM_OK)
		m = attached;
	if (ra.trace && (!m || run_replay(m, &ra, &stats, &csv, &err))) {
		rc = cli_fail(&err);
		goto out;
	}
	/* After a replay the tree is the current address space's, as the trace left it. */
	const struct walker *w = v.m ? &v.m->walker : &v.walker;
	uint64_t root = v.m ? machine_root(v.m) : v.root;
	if (tree_build_internal(&t, pub_cfg, w, root, &ra.view.tree, &pub_err)) {
		rc = cli_api_fail(&pub_err);
		goto out;
	}
	for (unsigned k = 0; k < ra.view.nr_va; k++) {
		struct walk_request req = walk_request_from_public(&ra.view.req, root, ra.view.va[k]);
		mmusim_translation res;
		walk_to_public(w, &req, &res);
		tree_mark_walk(&t, &res, k);
	}
	FILE *out = fopen(ra.html, "w");
	if (!out) {
		rc = cli_usage_error("%s: cannot create: %s", ra.html, strerror(errno));
		tree_free(&t);
		goto out;
	}
	struct walk_marks marks = { .va = ra.view.va, .nr = ra.view.nr_va };
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>mmusim report: ", out);
	xml_write_escaped(out, v.cfg.name);
	fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>mmusim report: ", css);
	xml_write_escaped(out, v.cfg.name);
	fputs("</h1>\n", out);
	write_config(out, &v.cfg);
	fputs("<section id=\"tree\">\n<h2>Page-table tree</h2>\n<p>One line per present entry, indented by level; "
	      "runs of similar leaves are one line with a count; entries on a walk below are in red.</p>\n"
	      "<div class=\"scroll\">\n", out);
	tree_write_svg(out, pub_cfg, &t, &marks);
	fputs("</div>\n</section>\n", out);
	if (ra.view.nr_va) {
		fputs("<section id=\"walks\">\n<h2>Walks</h2>\n", out);
		for (unsigned k = 0; k < ra.view.nr_va; k++) {
			struct walk_request req = walk_request_from_public(&ra.view.req, root, ra.view.va[k]);
			write_walk(out, cli->config ? cli->config : "x86_64", &v.cfg, w, &req, k);
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
	fputs("</body>\n</html>\n", out);
	tree_free(&t);
	if (fclose(out) != 0)
		rc = cli_usage_error("%s: write error", ra.html);
out:
	free(stats);
	free(csv);
	machine_destroy(attached);
	cli_close_view(&v);
	mmusim_config_free(pub_cfg);
	return rc;
}
