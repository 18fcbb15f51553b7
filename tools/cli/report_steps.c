/* report_steps: the step-through view of report --html (see report_steps.h). */
#include "report_steps.h"

#include <inttypes.h>
#include <stdbool.h>

#include "draw.h"
#include "root_halves.h"

/* The walks' colours: Okabe-Ito's, told apart with the common kinds of colour blindness. */
static const char *const walk_colors[] = { "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9" };
#define NR_COLORS (sizeof(walk_colors) / sizeof(walk_colors[0]))

static const char style[] =
	"svg.tree text{font-family:monospace;font-size:11px;fill:#222}"
	"svg.tree .box{fill:#fff;stroke:#888}svg.tree .title-bg{fill:#ececec;stroke:#888}"
	"svg.tree .node-title{font-weight:bold}svg.tree .hl{fill:none}"
	"svg.tree .edge{fill:none;stroke:#999;stroke-width:1.2}"
	"svg.tree .raw{fill:#555}svg.tree .flags{fill:#1a5fb4}svg.tree .target{fill:#26a269}"
	/* Without script: every walk's entries and arrows in its colour. */
	"svg.tree .entry.walk .hl{fill:var(--c);fill-opacity:.18}svg.tree .entry.walk text{font-weight:bold}"
	"svg.tree .edge.walk{stroke:var(--c);stroke-width:2.5}svg.tree text.root.walk{font-weight:bold}"
	/* Stepping: only the current walk, solid at its current step, tinted where it has been. */
	"body.stepping svg.tree .entry.walk .hl{fill:none}body.stepping svg.tree .entry.walk text{font-weight:normal}"
	"body.stepping svg.tree .edge.walk{stroke:#999;stroke-width:1.2}"
	"body.stepping svg.tree .entry.seen .hl{fill:var(--wc);fill-opacity:.2}"
	"body.stepping svg.tree .entry.cur .hl{fill:var(--wc);fill-opacity:1}"
	"body.stepping svg.tree .entry.cur text,body.stepping svg.tree .entry.cur tspan{fill:#fff;font-weight:bold}"
	"svg.tree .node.cur .box,svg.tree .node.seen .box{stroke:var(--wc);stroke-width:2.5}"
	"body.stepping svg.tree .edge.seen{stroke:var(--wc);stroke-width:2.5;stroke-opacity:.6}"
	"tr.step.cur td{background:var(--wc);color:#fff}tr.step.seen td{background:#eef}"
	".stepper{position:sticky;top:0;z-index:2;background:#fff;border:1px solid #ccc;padding:.4em .6em;margin:.5em 0}"
	".stepper button{font-size:1em;margin-right:.4em}#step-counter{display:block;font-family:monospace;margin:.3em 0}"
	".vabits{font-family:monospace;margin:.25em 0;border-left:6px solid var(--c);padding-left:.5em}"
	".vabits .va{display:inline-block;min-width:12em}"
	".vabits .field{display:inline-block;border:1px solid #bbb;padding:0 .3em;margin-right:2px;text-align:center}"
	".vabits small{display:block;color:#555;font-size:.75em}"
	".vabits .field.seen{background:#e8e8e8}.vabits .field.cur{background:var(--wc);color:#fff}"
	".vabits .field.cur small{color:#fff}";

/* The script: progressive enhancement over the static page; nothing fetched, works from file://. */
static const char script[] =
	"(function () {\n"
	"  var steps = Array.prototype.slice.call(document.querySelectorAll('tr.step[data-walk]'));\n"
	"  var bar = document.getElementById('stepper'), counter = document.getElementById('step-counter');\n"
	"  if (!steps.length || !bar || !counter) return;\n"
	"  var colors = bar.getAttribute('data-colors').split(' '), walks = bar.getAttribute('data-walks');\n"
	"  var cur = 0;\n"
	"  document.body.classList.add('stepping');\n"
	"  Array.prototype.forEach.call(bar.querySelectorAll('button'), function (b) { b.hidden = false; });\n"
	"  function el(id) { return id ? document.getElementById(id) : null; }\n"
	"  function mark(e, c) { if (e) e.classList.add(c); return e; }\n"
	"  function box(e) {\n"
	"    if (!e) return '';\n"
	"    var r = e.getBoundingClientRect();\n"
	"    return [r.left, r.top, r.width, r.height].map(Math.round).join(' ');\n"
	"  }\n"
	"  /* The entry centred in the tree's scrolled box when it is not all visible, and on screen. */\n"
	"  function bringIntoView(e) {\n"
	"    var box = e.closest ? e.closest('.scroll') : null, r = e.getBoundingClientRect();\n"
	"    if (box) {\n"
	"      var c = box.getBoundingClientRect();\n"
	"      if (r.left < c.left || r.right > c.right)\n"
	"        box.scrollLeft += (r.left + r.width / 2) - (c.left + c.width / 2);\n"
	"      r = e.getBoundingClientRect();\n"
	"    }\n"
	"    if (r.top < 0 || r.bottom > window.innerHeight) window.scrollBy(0, r.top - window.innerHeight / 2);\n"
	"  }\n"
	"  function show(i) {\n"
	"    cur = Math.max(0, Math.min(steps.length - 1, i));\n"
	"    Array.prototype.forEach.call(document.querySelectorAll('.cur, .seen'), function (e) {\n"
	"      e.classList.remove('cur', 'seen');\n"
	"    });\n"
	"    var s = steps[cur], w = s.getAttribute('data-walk'), entry = null, field = null;\n"
	"    document.documentElement.style.setProperty('--wc', colors[(w - 1) % colors.length]);\n"
	"    steps.forEach(function (t, j) {\n"
	"      if (t.getAttribute('data-walk') !== w || j > cur) return;\n"
	"      var c = j === cur ? 'cur' : 'seen';\n"
	"      mark(t, c);\n"
	"      var f = mark(el('field-' + w + '-' + t.getAttribute('data-level')), c);\n"
	"      var row = mark(el(t.getAttribute('data-row')), c);\n"
	"      /* An entry the tree does not show (not present): its table's box still lights up. */\n"
	"      var node = mark(row ? el(row.getAttribute('data-node')) :\n"
	"        document.querySelector('#tree-svg g.node[data-table=\"' + t.getAttribute('data-table') + '\"]'), c);\n"
	"      if (node) mark(el(node.getAttribute('data-edge')), 'seen');\n"
	"      if (j === cur) { entry = row; field = f; }\n"
	"    });\n"
	"    mark(el('vabits-' + w), 'cur');\n"
	"    el('step-back').disabled = cur === 0;\n"
	"    el('step-forward').disabled = cur === steps.length - 1;\n"
	"    counter.textContent = 'step ' + (cur + 1) + ' of ' + steps.length + ': walk ' + w + ' of ' + walks +\n"
	"      ' (' + s.getAttribute('data-va') + '), ' + s.getAttribute('data-what');\n"
	"    counter.setAttribute('data-step', w + '.' + s.getAttribute('data-step'));\n"
	"    if (entry) bringIntoView(entry);\n"
	"    counter.setAttribute('data-entry-box', box(entry));\n"
	"    counter.setAttribute('data-field-box', box(field));\n"
	"    counter.setAttribute('data-row-box', box(s));\n"
	"    var hash = '#step=' + w + '.' + s.getAttribute('data-step');\n"
	"    if (location.hash !== hash) try { history.replaceState(null, '', hash); } catch (e) { }\n"
	"  }\n"
	"  function fromHash() {\n"
	"    var m = /step=(\\d+)\\.(\\d+)/.exec(location.hash);\n"
	"    if (!m) return 0;\n"
	"    for (var i = 0; i < steps.length; i++)\n"
	"      if (steps[i].id === 'step-' + m[1] + '-' + m[2]) return i;\n"
	"    return 0;\n"
	"  }\n"
	"  el('step-back').addEventListener('click', function () { show(cur - 1); });\n"
	"  el('step-forward').addEventListener('click', function () { show(cur + 1); });\n"
	"  document.addEventListener('keydown', function (e) {\n"
	"    if (e.altKey || e.ctrlKey || e.metaKey) return;\n"
	"    if (e.key === 'ArrowRight') { show(cur + 1); e.preventDefault(); }\n"
	"    if (e.key === 'ArrowLeft') { show(cur - 1); e.preventDefault(); }\n"
	"  });\n"
	"  window.addEventListener('hashchange', function () { show(fromHash()); });\n"
	"  show(fromHash());\n"
	"})();\n";

void report_steps_write_style(FILE *out, unsigned nr_walks)
{
	fputs(style, out);
	for (unsigned k = 0; k < nr_walks; k++)
		fprintf(out, ".w%u{--c:%s}#walk-%u{border-left:6px solid %s;padding-left:.8em}", k + 1,
			walk_colors[k % NR_COLORS], k + 1, walk_colors[k % NR_COLORS]);
	fputc('\n', out);
}

static void write_field(FILE *out, unsigned k, const char *id_level, const char *name, unsigned hi, unsigned lo,
			uint64_t va)
{
	if (*id_level)
		fprintf(out, "<span class=\"field\" id=\"field-%u-%s\">", k + 1, id_level);
	else
		fputs("<span class=\"field offset\">", out);
	fprintf(out, "<small>%s %u:%u</small><code>", name, hi, lo);
	for (unsigned b = hi + 1; b-- > lo;)
		fputc('0' + (int)(va >> b & 1), out);
	fputs("</code></span>", out);
}

void report_steps_write_panel(FILE *out, const mmusim_config *cfg, const uint64_t *va, unsigned nr_walks)
{
	unsigned page_shift = (unsigned)__builtin_ctzll(mmusim_config_page_size(cfg));
	char name[16], id[16];

	fputs("<div id=\"stepper\" class=\"stepper\" data-colors=\"", out);
	for (unsigned c = 0; c < NR_COLORS; c++)
		fprintf(out, "%s%s", c ? " " : "", walk_colors[c]);
	fprintf(out, "\" data-walks=\"%u\">\n<button type=\"button\" id=\"step-back\" hidden>&#9664; back</button>"
		"<button type=\"button\" id=\"step-forward\" hidden>forward &#9654;</button>\n"
		"<output id=\"step-counter\">Each walk's VA as bit fields; its steps are below. With script the page "
		"steps through the walks level by level.</output>\n", nr_walks);
	for (unsigned k = 0; k < nr_walks; k++) {
		bool upper = mmusim_config_split_roots(cfg) && (va[k] >> ROOT_SELECT_BIT & 1);
		unsigned levels = mmusim_config_half_levels(cfg, upper);
		fprintf(out, "<div class=\"vabits w%u\" id=\"vabits-%u\"><span class=\"va\">walk %u: 0x%" PRIx64 "</span> ",
			k + 1, k + 1, k + 1, va[k]);
		for (unsigned level = levels; level >= 1; level--) {
			unsigned lo = mmusim_config_index_shift(cfg, level);
			unsigned bits = level == levels ? (unsigned)__builtin_ctz(mmusim_config_half_top_entries(cfg, upper))
							: mmusim_config_index_bits(cfg);
			snprintf(name, sizeof(name), "L%u", level);
			snprintf(id, sizeof(id), "%u", level);
			write_field(out, k, id, name, lo + bits - 1, lo, va[k]);
		}
		write_field(out, k, "", "offset", page_shift - 1, 0, va[k]);
		fputs("</div>\n", out);
	}
	fputs("</div>\n", out);
}

/* The tree row walk k's step read: marked by the walk, same level and table, its index in the run. */
static int step_row(const struct tree *t, unsigned k, const mmusim_walk_step *s)
{
	for (unsigned i = 0; i < t->nr_rows; i++) {
		const struct tree_row *r = &t->rows[i];
		if ((r->walks >> k & 1) && r->level == s->level && r->table == s->table && s->index >= r->index &&
		    s->index < r->index + r->count)
			return (int)i;
	}
	return -1;
}

void report_steps_write_step_attrs(FILE *out, const mmusim_config *cfg, const struct tree *t, uint64_t va,
				   unsigned k, unsigned i, const mmusim_walk_step *s)
{
	int row = k < 32 ? step_row(t, k, s) : -1;

	fprintf(out, " data-va=\"0x%" PRIx64 "\"", va);
	/* The entry named as explain names it: "PDE at 0x3010", "L2 descriptor at ...". */
	fprintf(out, " id=\"step-%u-%u\" data-walk=\"%u\" data-step=\"%u\" data-level=\"%u\" data-what=\"L%u: table 0x%"
		PRIx64 " index %u, %s at 0x%" PRIx64 " = 0x%0*" PRIx64 "\"", k + 1, i + 1, k + 1, i + 1, s->level, s->level,
		s->table, s->index, mmusim_config_entry_name(cfg, s->level), s->pte_addr, 2 * mmusim_config_pte_size(cfg),
		s->pte);
	fprintf(out, " data-table=\"0x%" PRIx64 "\"", s->table);
	if (row >= 0)
		fprintf(out, " data-row=\"row-%d\"", row);
}

void report_steps_write_script(FILE *out)
{
	fprintf(out, "<script>\n%s</script>\n", script);
}
