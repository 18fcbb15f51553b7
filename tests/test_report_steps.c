/*
 * report --html's step-through view, rendered in headless Chromium: the
 * page opened at #step=W.S, its DOM read back (the step counter and where
 * the script says it highlighted) and a screenshot decoded by
 * tests/browser/png_probe.py to check that the walk's colour really fills
 * those places.  Skipped when chromium is absent (tools/setup --test installs it).
 *
 * Hand-worked expectations (traces/example.trace, x86_64, 4 levels of 9 bits):
 * VA 0x401234 has indexes L4 0, L3 0, L2 (0x401234 >> 21) & 511 = 2,
 * L1 (0x401234 >> 12) & 511 = 1; its tables are 0x1000 -> 0x2000 -> 0x3000 ->
 * 0x4000, so step 3 reads the PDE at 0x3000 + 2 * 8 = 0x3010.  VA
 * 0xffff888000001000 has L4 index 273 and stops at the 1G leaf L3[0] of 0x9000.
 */
#define _GNU_SOURCE    /* mkstemps */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

#define EXAMPLE MMUSIM_SOURCE_DIR "/traces/example.trace"
#define PROBE MMUSIM_SOURCE_DIR "/tests/browser/png_probe.py"
#define WALK1_COLOR "0072b2"
#define WALK2_COLOR "d55e00"
#define WINDOW "1700,1500"

static bool have(const char *program)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", program);
	return system(cmd) == 0;
}

static char *read_pipe(const char *cmd)
{
	FILE *f = popen(cmd, "r");
	size_t len = 0, cap = 1 << 16;
	char *text = malloc(cap);

	cr_assert(f && text);
	for (size_t n; (n = fread(text + len, 1, cap - len - 1, f)) > 0;) {
		len += n;
		if (cap - len < 2)
			text = realloc(text, cap *= 2);
	}
	text[len] = '\0';
	pclose(f);
	return text;
}

/* Chromium on page#step=...: the DOM after the script ran (png NULL) or a screenshot into png. */
static char *chromium(const char *html, const char *step, const char *png)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd),
		 "d=$(mktemp -d /tmp/mmusim-chromium-XXXXXX); HOME=$d timeout 30 chromium --headless --no-sandbox "
		 "--disable-gpu --no-first-run --hide-scrollbars --user-data-dir=$d --window-size=" WINDOW " "
		 "--virtual-time-budget=2000 %s%s 'file://%s#step=%s' 2>/dev/null; rm -rf $d",
		 png ? "--screenshot=" : "--dump-dom", png ? png : "", html, step);
	return read_pipe(cmd);
}

/* The "x y w h" the script left in data-NAME of the step counter. */
static void box_of(const char *dom, const char *name, int box[4])
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "data-%s=\"", name);
	p = strstr(dom, key);
	cr_assert(p, "no %s in the DOM", key);
	cr_assert_eq(sscanf(p + strlen(key), "%d %d %d %d", &box[0], &box[1], &box[2], &box[3]), 4, "%.80s", p);
	cr_assert(box[2] > 0 && box[3] > 0, "%s is empty", name);
}

/*
 * Share (0..1) of each box's pixels in colour, the boxes shrunk by 2 pixels
 * on each side (anti-aliased edges); one decoding of the PNG for all boxes.
 */
static void colour_shares(const char *png, const char *colour, const int (*boxes)[4], unsigned n, double *share)
{
	char cmd[1024], *out, *p;
	int len = snprintf(cmd, sizeof(cmd), "python3 " PROBE " count %s %s", png, colour);

	for (unsigned i = 0; i < n; i++)
		len += snprintf(cmd + len, sizeof(cmd) - (size_t)len, " %d %d %d %d", boxes[i][0] + 2, boxes[i][1] + 2,
				boxes[i][2] - 4, boxes[i][3] - 4);
	p = out = read_pipe(cmd);
	for (unsigned i = 0; i < n; i++) {
		long hits = 0, total = 0;
		int used = 0;
		cr_assert_eq(sscanf(p, "%ld %ld%n", &hits, &total, &used), 2, "png_probe: %s", out);
		cr_assert_gt(total, 0, "box %u is outside the screenshot", i);
		share[i] = (double)hits / (double)total;
		p += used;
	}
	free(out);
}

static char *make_page(void)
{
	struct run_result r;
	char *html = write_temp_file("", ".html");

	cr_assert_eq(run_mmusim(&r, "report", "--html", html, "--setup", EXAMPLE, "--va", "0x401234", "--va",
				"0xffff888000001000", NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	return html;
}

static void need_chromium(void)
{
	if (!have("chromium") || !have("python3"))
		cr_skip_test("chromium or python3 is not installed (tools/setup --test installs them): page not rendered");
}

/* The script applies the step in the URL: the counter tells it, and the static page had none of it. */
Test(report_steps, counter_follows_the_url, .timeout = 120)
{
	char *html, *dom;

	need_chromium();
	html = make_page();
	dom = chromium(html, "1.3", NULL);
	cr_expect(strstr(dom, "data-step=\"1.3\""), "%.300s", dom);
	cr_expect(strstr(dom, ">step 3 of 6: walk 1 of 2 (0x401234), L2: table 0x3000 index 2, PDE at 0x3010 = "
			      "0x0000000000004027</output>"));
	cr_expect(strstr(dom, "<body class=\"stepping\">"));
	free(dom);
	dom = chromium(html, "2.2", NULL);
	cr_expect(strstr(dom, ">step 6 of 6: walk 2 of 2 (0xffff888000001000), L3: table 0x9000 index 0, PDPTE at 0x9000"));
	free(dom);
	/* A step past the end shows the first. */
	dom = chromium(html, "9.9", NULL);
	cr_expect(strstr(dom, "data-step=\"1.1\""));
	free(dom);
	remove_temp_file(html);
}

/*
 * Screenshots: at step 1.1 the L4 entry and the VA's L4 field are walk 1's
 * blue; at 1.4 the L1 field, right of the L4 field, and the L1 entry, right of
 * the L4 entry's column; the place highlighted at 1.4 is not blue at 1.1; at
 * step 2.2 walk 2's vermillion fills its L3 entry, with no blue there.
 */
Test(report_steps, screenshots_highlight_each_step, .timeout = 180)
{
	char png1[] = "/tmp/mmusim-step-XXXXXX.png", png4[] = "/tmp/mmusim-step-XXXXXX.png",
	     png6[] = "/tmp/mmusim-step-XXXXXX.png";
	int entry1[4], field1[4], row1[4], entry4[4], field4[4], row4[4], entry6[4];
	char *html, *dom;

	need_chromium();
	cr_assert(mkstemps(png1, 4) >= 0 && mkstemps(png4, 4) >= 0 && mkstemps(png6, 4) >= 0);
	html = make_page();

	dom = chromium(html, "1.1", NULL);
	box_of(dom, "entry-box", entry1), box_of(dom, "field-box", field1), box_of(dom, "row-box", row1);
	free(dom);
	dom = chromium(html, "1.4", NULL);
	box_of(dom, "entry-box", entry4), box_of(dom, "field-box", field4), box_of(dom, "row-box", row4);
	free(dom);
	dom = chromium(html, "2.2", NULL);
	box_of(dom, "entry-box", entry6);
	free(dom);
	cr_expect_gt(field4[0], field1[0], "the L1 field is right of the L4 field");
	cr_expect_gt(row4[1], row1[1], "step 4's row is below step 1's");

	free(chromium(html, "1.1", png1));
	free(chromium(html, "1.4", png4));
	free(chromium(html, "2.2", png6));

	const int at1[][4] = { { entry1[0], entry1[1], entry1[2], entry1[3] }, { field1[0], field1[1], field1[2], field1[3] },
			       { row1[0], row1[1], row1[2], row1[3] }, { field4[0], field4[1], field4[2], field4[3] },
			       { row4[0], row4[1], row4[2], row4[3] } };
	const int at4[][4] = { { entry4[0], entry4[1], entry4[2], entry4[3] }, { field4[0], field4[1], field4[2], field4[3] },
			       { row4[0], row4[1], row4[2], row4[3] }, { field1[0], field1[1], field1[2], field1[3] } };
	const int at6[][4] = { { entry6[0], entry6[1], entry6[2], entry6[3] } };
	double s1[5], s4[4], s6[1], s6_blue[1];
	colour_shares(png1, WALK1_COLOR, at1, 5, s1);
	colour_shares(png4, WALK1_COLOR, at4, 4, s4);
	colour_shares(png6, WALK2_COLOR, at6, 1, s6);
	colour_shares(png6, WALK1_COLOR, at6, 1, s6_blue);
	cr_expect_gt(s1[0], 0.5, "step 1.1: the L4 entry is not highlighted");
	cr_expect_gt(s1[1], 0.5, "step 1.1: the L4 field is not highlighted");
	cr_expect_gt(s1[2], 0.5, "step 1.1: the step's row is not highlighted");
	cr_expect_lt(s1[3], 0.01, "step 1.1 highlights the L1 field too");
	cr_expect_lt(s1[4], 0.01, "step 1.1 highlights step 4's row too");
	cr_expect_gt(s4[0], 0.5, "step 1.4: the L1 entry is not highlighted");
	cr_expect_gt(s4[1], 0.5, "step 1.4: the L1 field is not highlighted");
	cr_expect_gt(s4[2], 0.5, "step 1.4: the step's row is not highlighted");
	cr_expect_lt(s4[3], 0.01, "step 1.4 still highlights the L4 field");
	cr_expect_gt(s6[0], 0.5, "step 2.2: the L3 leaf is not in walk 2's colour");
	cr_expect_lt(s6_blue[0], 0.01, "step 2.2: walk 1's colour on walk 2's entry");

	remove(png1), remove(png4), remove(png6);
	remove_temp_file(html);
}

/* Without a --va there is nothing to step through: no script, no panel. */
Test(report_steps, no_walks_no_script)
{
	struct run_result r;
	char *html = write_temp_file("", ".html"), *page;

	cr_assert_eq(run_mmusim(&r, "report", "--html", html, "--setup", EXAMPLE, NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	page = read_text_file(html);
	cr_assert_not_null(page);
	cr_expect_null(strstr(page, "<script"));
	cr_expect_null(strstr(page, "id=\"stepper\""));
	cr_expect(strstr(page, "<svg id=\"tree-svg\""));
	free(page);
	remove_temp_file(html);
}

/*
 * The static page holds everything the script needs and a reader without
 * script sees: each walk's VA fields (0x401234: bits 29:21 = 2, bits 20:12 = 1),
 * its steps tied to the tree's entries, the tree's boxes and arrows.
 */
Test(report_steps, static_page_ties_steps_to_the_tree)
{
	char *html = make_page(), *page = read_text_file(html), key[64];
	const char *step, *row;
	int n = -1;

	cr_assert_not_null(page);
	cr_expect(strstr(page, "<span class=\"field\" id=\"field-1-4\"><small>L4 47:39</small><code>000000000</code>"));
	cr_expect(strstr(page, "<span class=\"field\" id=\"field-1-2\"><small>L2 29:21</small><code>000000010</code>"));
	cr_expect(strstr(page, "<span class=\"field\" id=\"field-1-1\"><small>L1 20:12</small><code>000000001</code>"));
	cr_expect(strstr(page, "<small>offset 11:0</small><code>001000110100</code>"));
	cr_expect(strstr(page, "<span class=\"field\" id=\"field-2-4\"><small>L4 47:39</small><code>100010001</code>"),
		  "walk 2's L4 index 273");
	step = strstr(page, "id=\"step-1-3\" data-walk=\"1\" data-step=\"3\" data-level=\"2\"");
	cr_assert(step, "no step 1.3");
	row = strstr(step, "data-row=\"row-");
	cr_assert(row && row < strstr(step, ">"), "step 1.3 names no tree row");
	cr_assert_eq(sscanf(row, "data-row=\"row-%d\"", &n), 1);
	snprintf(key, sizeof(key), "<g id=\"row-%d\" class=\"entry pointer walk w1\" data-walks=\"1\"", n);
	row = strstr(page, key);
	cr_assert(row, "%s", key);
	cr_expect(strstr(row, "<tspan class=\"label\">[2]</tspan> <tspan class=\"raw\">0x0000000000004027</tspan>"));
	/* Its box is the L2 table at 0x3000, reached by an arrow from the L3 entry. */
	const char *node = strstr(row, "data-node=\"node-");
	cr_assert(node);
	int k = -1;
	cr_assert_eq(sscanf(node, "data-node=\"node-%d\"", &k), 1);
	snprintf(key, sizeof(key), "<g id=\"node-%d\" class=\"node\" data-edge=\"edge-", k);
	node = strstr(page, key);
	cr_assert(node, "%s", key);
	cr_expect(strstr(node, "data-table=\"0x3000\" data-level=\"2\">") ==
		  strchr(strstr(node, "data-edge"), ' ') + 1);
	cr_expect(strstr(node, "<text class=\"node-title\"") && strstr(node, ">L2 table 0x3000</text>"));
	cr_expect(strstr(page, "marker-end=\"url(#arrow)\""));
	/* Without script the buttons stay hidden and the counter says what the panel shows. */
	cr_expect(strstr(page, "<button type=\"button\" id=\"step-forward\" hidden>"));
	cr_expect(strstr(page, "<output id=\"step-counter\">Each walk's VA as bit fields; its steps are below."));
	/* Self-contained: the script is inline and nothing is fetched. */
	cr_expect(strstr(page, "<script>\n(function () {"));
	cr_expect_null(strstr(page, "<script src"));
	cr_expect_null(strstr(page, "http://"));
	cr_expect_null(strstr(page, "https://"));
	free(page);
	remove_temp_file(html);
}

/* The <svg id="ID"> ... </svg> of a page, copied. */
static char *chart_of(const char *page, const char *id)
{
	char key[64];
	const char *start, *end;

	snprintf(key, sizeof(key), "<svg id=\"%s\"", id);
	start = strstr(page, key);
	cr_assert(start, "no %s", key);
	end = strstr(start, "</svg>");
	cr_assert(end);
	return strndup(start, (size_t)(end - start));
}

/*
 * The charts' ticks are round: Belady's string (12 accesses) in intervals of 2
 * has points at x = 2..12, a span of 10, cut in 5 steps of 2; the miss rates
 * reach 1, cut in steps of 0.2; the walks per interval (at most 2) are counts,
 * ticked 0, 1, 2 and never 0.5.  The legend stands right of the plot (x >= 510).
 */
Test(report_steps, chart_ticks_are_round)
{
	struct run_result r;
	char *html = write_temp_file("", ".html"), *page, *miss, *walks;

	cr_assert_eq(run_mmusim(&r, "report", "--html", html, "--replay", MMUSIM_SOURCE_DIR "/traces/os/belady.trace",
				"--resident-pages", "3", "--interval", "2", NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	page = read_text_file(html);
	cr_assert_not_null(page);
	miss = chart_of(page, "chart-miss-rate");
	walks = chart_of(page, "chart-walks");
	for (unsigned x = 2; x <= 12; x += 2) {
		char tick[32];
		snprintf(tick, sizeof(tick), "text-anchor=\"middle\">%u</text>", x);
		cr_expect(strstr(miss, tick), "no x tick %u", x);
	}
	cr_expect_null(strstr(miss, "text-anchor=\"middle\">3</text>"));
	cr_expect(strstr(miss, "text-anchor=\"end\">0.2</text>") && strstr(miss, "text-anchor=\"end\">0.6</text>") &&
		  strstr(miss, "text-anchor=\"end\">1</text>"));
	cr_expect_null(strstr(miss, ">0.25</text>"));
	cr_expect(strstr(walks, "text-anchor=\"end\">1</text>") && strstr(walks, "text-anchor=\"end\">2</text>"));
	cr_expect_null(strstr(walks, ">0.5</text>"));
	/* Every legend entry's swatch starts right of the plot's right edge (680 - 170). */
	for (const char *p = strstr(miss, "<g class=\"legend-entry\"><path d=\"M"); p;
	     p = strstr(p + 1, "<g class=\"legend-entry\"><path d=\"M")) {
		int x = atoi(p + strlen("<g class=\"legend-entry\"><path d=\"M"));
		cr_expect_geq(x, 510, "a legend entry at x %d, inside the plot", x);
	}
	cr_expect(strstr(miss, ">stlb</text>"));
	free(miss);
	free(walks);
	free(page);
	remove_temp_file(html);
}
