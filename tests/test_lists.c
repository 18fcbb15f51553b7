/*
 * The lists of names that users read (presets, trace formats) in the help
 * texts, README, man page, shell completions and the public header: each must
 * name exactly what the table it comes from holds (config_preset_names, the
 * trace formats), so that a new preset or format cannot be left out of one.
 * The help texts are generated from the tables; the files are checked here.
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/config.h"
#include "formats/trace.h"
#include "support.h"

#define SRC MMUSIM_SOURCE_DIR "/"
#define MAX_NAMES 32

struct names {
	char name[MAX_NAMES][32];
	unsigned n;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void add(struct names *l, const char *s, size_t len)
{
	cr_assert_lt(l->n, MAX_NAMES);
	cr_assert_lt(len, sizeof(l->name[0]));
	memcpy(l->name[l->n], s, len);
	l->name[l->n++][len] = '\0';
}

static struct names presets(void)
{
	struct names l = { .n = 0 };

	for (const char *const *p = config_preset_names(); *p; p++)
		add(&l, *p, strlen(*p));
	qsort(l.name, l.n, sizeof(l.name[0]), by_name);
	return l;
}

static struct names formats(void)
{
	struct names l = { .n = 0 };

	for (unsigned f = 0; f <= TRACE_FORMAT_LAST; f++)
		add(&l, trace_format_name((enum trace_format)f), strlen(trace_format_name((enum trace_format)f)));
	qsort(l.name, l.n, sizeof(l.name[0]), by_name);
	return l;
}

static char *read_source(const char *path)
{
	char *text = read_text_file(path);

	cr_assert_not_null(text, "cannot open %s", path);
	return text;
}

static bool is_name_char(char c)
{
	return islower((unsigned char)c) || isdigit((unsigned char)c) || c == '_';
}

/*
 * The names in text between the first `start` and the next `end` after it
 * (sorted; "or" between the last two is skipped).  With `mark` (e.g. '*' in the man page), only the words written
 * between two marks; else every word of name characters.
 */
static struct names names_between(const char *text, const char *start, const char *end, char mark,
				  const char *where)
{
	struct names l = { .n = 0 };
	const char *p = strstr(text, start), *q;

	cr_assert_not_null(p, "%s: no '%s'", where, start);
	p += strlen(start);
	q = strstr(p, end);
	cr_assert_not_null(q, "%s: no '%s' after '%s'", where, end, start);
	while (p < q) {
		if (mark && *p == mark) {
			const char *close = memchr(p + 1, mark, (size_t)(q - p - 1));
			cr_assert_not_null(close, "%s: unclosed %c", where, mark);
			add(&l, p + 1, (size_t)(close - p - 1));
			p = close + 1;
		} else if (!mark && is_name_char(*p)) {
			const char *w = p;
			while (p < q && is_name_char(*p))
				p++;
			/* "a, b or c": the conjunction is no name */
			if (p - w != 2 || strncmp(w, "or", 2) != 0)
				add(&l, w, (size_t)(p - w));
		} else {
			p++;
		}
	}
	qsort(l.name, l.n, sizeof(l.name[0]), by_name);
	return l;
}

static void expect_same(const struct names *got, const struct names *want, const char *where)
{
	char g[1024] = "", w[1024] = "";

	for (unsigned i = 0; i < got->n; i++)
		snprintf(g + strlen(g), sizeof(g) - strlen(g), " %s", got->name[i]);
	for (unsigned i = 0; i < want->n; i++)
		snprintf(w + strlen(w), sizeof(w) - strlen(w), " %s", want->name[i]);
	cr_expect_str_eq(g, w, "%s lists [%s ] but the table holds [%s ]", where, g, w);
}

static void expect_presets(const char *text, const char *start, const char *end, char mark, const char *where)
{
	struct names got = names_between(text, start, end, mark, where), want = presets();
	expect_same(&got, &want, where);
}

static void expect_formats(const char *text, const char *start, const char *end, char mark, const char *where)
{
	struct names got = names_between(text, start, end, mark, where), want = formats();
	expect_same(&got, &want, where);
}

/* The help texts, generated from the tables: where each lists presets or formats. */
static const struct help_list {
	const char *argv[2];
	const char *start, *end;
	bool formats;
} help_lists[] = {
	{ { "--help" }, "preset (default x86_64), one of:\n", "\n", false },
	{ { "--help" }, "replay    [--format ", "]", true },
	{ { "translate", "--help" }, "one of:\n", "\n", false },
	{ { "quiz", "--help" }, "one of:\n", "\n", false },
	{ { "replay", "--help" }, "  --format FMT ", "\n", true },
	{ { "convert", "--help" }, "  --format FMT ", "\n", true },
};

Test(lists, help_texts)
{
	for (size_t i = 0; i < sizeof(help_lists) / sizeof(help_lists[0]); i++) {
		const struct help_list *h = &help_lists[i];
		int argc = h->argv[1] ? 2 : 1;
		struct run_result r;
		char where[64];

		snprintf(where, sizeof(where), "mmusim %s%s%s", h->argv[0], argc > 1 ? " " : "",
			 argc > 1 ? h->argv[1] : "");
		cr_assert_eq(run_mmusim_argv(&r, argc, h->argv), 0);
		cr_expect_eq(r.status, 0, "%s", where);
		if (h->formats)
			expect_formats(r.out, h->start, h->end, 0, where);
		else
			expect_presets(r.out, h->start, h->end, 0, where);
		run_result_free(&r);
	}
}

/* Both preset tables of the README together: one row per preset, no other. */
Test(lists, readme)
{
	char *text = read_source(SRC "README.md");
	struct names rows = { .n = 0 }, want = presets();

	for (const char *p = text; (p = strstr(p, "\n| `")); p++) {
		const char *name = p + 4, *close = strchr(name, '`');
		/* A preset row: its second column is the arch family. */
		if (close && strncmp(close, "` | ", 4) == 0 &&
		    (strncmp(close + 4, "x86", 3) == 0 || strncmp(close + 4, "aarch64", 7) == 0 || strncmp(close + 4, "riscv", 5) == 0 ||
		     strncmp(close + 4, "toy", 3) == 0))
			add(&rows, name, (size_t)(close - name));
	}
	qsort(rows.name, rows.n, sizeof(rows.name[0]), by_name);
	expect_same(&rows, &want, "README preset tables");
	expect_presets(text, "`quiz --arch <TAB>`: `", "`", 0, "README completions");
	expect_formats(text, "trace formats (`--format`: `", "`", 0, "README completions");
	expect_formats(text, "mmusim replay    [--format ", "]", 0, "README usage");
	free(text);
}

Test(lists, man_page)
{
	char *text = read_source(SRC "docs/mmusim.1.scd");

	expect_presets(text, "*--arch* _NAME_\n", "\n\n", '*', "mmusim.1 quiz --arch");
	expect_presets(text, "The presets (", ")", '*', "mmusim.1 FILES");
	expect_formats(text, "\n\n*--format* ", "\n", '*', "mmusim.1 replay --format");
	free(text);
}

Test(lists, completions)
{
	char *zsh = read_source(SRC "tools/completion/_mmusim");
	char *bash = read_source(SRC "tools/completion/mmusim.bash");

	expect_presets(zsh, "presets=(", ")", 0, "_mmusim presets");
	expect_presets(zsh, "'presets:preset:(", ")", 0, "_mmusim _mmusim_configs");
	expect_formats(zsh, "formats=(", ")", 0, "_mmusim formats");
	expect_presets(bash, "local presets=\"", "\"", 0, "mmusim.bash presets");
	expect_formats(bash, "local formats=\"", "\"", 0, "mmusim.bash formats");
	free(zsh);
	free(bash);
}

/* The public header's comments name them as strings. */
Test(lists, public_header)
{
	char *text = read_source(SRC "include/mmusim.h");

	expect_formats(text, "typedef struct mmusim_trace mmusim_trace;\n\n/* ", "(\"unknown\"", '"',
		       "mmusim.h mmusim_trace_format_name");
	free(text);
}
