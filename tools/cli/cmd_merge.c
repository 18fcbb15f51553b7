/*
 * mmusim merge: the sweep comparison table from results that separate
 * `mmusim --json replay` runs wrote (the jobs `mmusim sweep --emit-jobs`
 * prints, run by GNU parallel or a Slurm array).  Each file holds one or more
 * replay JSON reports (`sweep --json` output works too); rows come in the
 * order of the files and of the reports in them.
 *
 * The reader is a small strict JSON parser: it checks the whole syntax and
 * takes only the fields the table needs, so any damage (a job that died
 * half-way, a file that is not a result) is named with its file and line.
 */
#include "commands.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli_errors.h"
#include "cli_options.h"
#include "cli_output.h"
#include "sweep_report.h"

#define DEPTH_MAX 16

static const char merge_help[] =
	"usage: mmusim merge [--csv FILE] [--json] RESULT.json...\n"
	"\n"
	"Prints the comparison table of mmusim sweep from the JSON reports of separate\n"
	"'mmusim --json replay' runs (one or more per file), e.g. the jobs printed by\n"
	"'mmusim sweep --emit-jobs'.  --csv FILE also writes it as CSV; --json prints\n"
	"the reports themselves, one per line.\n";

struct parser {
	const char *s, *p, *end;
	uint64_t line;              /* of p, from 1 */
	char msg[160];              /* the first problem */
};

/* What the table needs from one report. */
struct report_fields {
	char *trace, *format, *config;
	struct sweep_row row;
	unsigned seen;              /* F_* bits */
};

enum {
	F_TRACE = 1, F_FORMAT = 2, F_CONFIG = 4, F_ACCESSES = 8, F_WALKS = 16, F_PTE_READS = 32, F_FAULTS = 64,
	F_DEMAND = 128, F_CYCLES = 256, F_ALL = 511,
};

static int fail(struct parser *jp, const char *msg)
{
	if (!jp->msg[0])
		snprintf(jp->msg, sizeof(jp->msg), "%s", msg);
	return -1;
}

static void skip_ws(struct parser *jp)
{
	while (jp->p < jp->end && (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\r' || *jp->p == '\n')) {
		if (*jp->p == '\n')
			jp->line++;
		jp->p++;
	}
}

static bool eat(struct parser *jp, char c)
{
	skip_ws(jp);
	if (jp->p < jp->end && *jp->p == c) {
		jp->p++;
		return true;
	}
	return false;
}

static void put_utf8(char *out, size_t *n, unsigned cp)
{
	if (cp >= 0x10000) {
		out[(*n)++] = (char)(0xf0 | cp >> 18);
		out[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3f));
		out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[(*n)++] = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x80) {
		out[(*n)++] = (char)cp;
	} else if (cp < 0x800) {
		out[(*n)++] = (char)(0xc0 | cp >> 6);
		out[(*n)++] = (char)(0x80 | (cp & 0x3f));
	} else {
		out[(*n)++] = (char)(0xe0 | cp >> 12);
		out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[(*n)++] = (char)(0x80 | (cp & 0x3f));
	}
}

/* The 4 hex digits of a \u escape (RFC 8259 section 7), or -1. */
static long hex4(struct parser *jp)
{
	unsigned cp = 0;

	for (int i = 0; i < 4; i++) {
		char h = jp->p < jp->end ? *jp->p++ : 0;
		unsigned d = h >= '0' && h <= '9' ? (unsigned)(h - '0')
			   : (h | 0x20) >= 'a' && (h | 0x20) <= 'f' ? (unsigned)((h | 0x20) - 'a' + 10) : 16;
		if (d == 16)
			return -1;
		cp = cp << 4 | d;
	}
	return (long)cp;
}

/*
 * A string; *out (if out) gets it decoded and malloc'd.  A kept string (a key
 * or a name) may not hold \u0000: as a C string it would end there, and a
 * name cut short would make a row that names another trace.  Surrogate pairs
 * become one 4-byte UTF-8 character; a lone surrogate is not a character, except
 * U+DC80..U+DCFF: a byte that is not UTF-8 as replay --json escapes it.
 */
static int parse_string(struct parser *jp, char **out)
{
	char *buf = NULL;
	size_t n = 0;

	skip_ws(jp);
	if (jp->p >= jp->end || *jp->p != '"')
		return fail(jp, "expected a string");
	jp->p++;
	if (out && !(buf = malloc((size_t)(jp->end - jp->p) + 1)))
		return fail(jp, "out of memory");
	for (;;) {
		unsigned char c;
		if (jp->p >= jp->end) {
			free(buf);
			return fail(jp, "unterminated string");
		}
		c = (unsigned char)*jp->p++;
		if (c == '"')
			break;
		if (c < 0x20) {
			free(buf);
			return fail(jp, "control character in a string");
		}
		if (c == '\\') {
			unsigned cp = 0;
			int raw_byte = -1;
			if (jp->p >= jp->end) {
				free(buf);
				return fail(jp, "unterminated string");
			}
			c = (unsigned char)*jp->p++;
			switch (c) {
			case '"': case '\\': case '/': cp = c; break;
			case 'b': cp = '\b'; break;
			case 'f': cp = '\f'; break;
			case 'n': cp = '\n'; break;
			case 'r': cp = '\r'; break;
			case 't': cp = '\t'; break;
			case 'u': {
				long u = hex4(jp), lo = -1;
				if (u >= 0xd800 && u <= 0xdbff && jp->end - jp->p >= 2 && jp->p[0] == '\\' && jp->p[1] == 'u') {
					jp->p += 2;
					lo = hex4(jp);
				}
				if (u < 0) {
					free(buf);
					return fail(jp, "bad \\u escape in a string");
				}
				if (u >= 0xd800 && u <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff) {
					cp = 0x10000 + (((unsigned)u - 0xd800) << 10) + ((unsigned)lo - 0xdc00);
				} else if (u >= 0xdc80 && u <= 0xdcff) {
					/* json_write_str's escape of a byte that is not UTF-8: the byte itself */
					raw_byte = (int)(u & 0xff);
				} else if (u >= 0xd800 && u <= 0xdfff) {
					free(buf);
					return fail(jp, "a lone surrogate \\u escape in a string");
				} else {
					cp = (unsigned)u;
				}
				if (cp == 0 && raw_byte < 0 && out) {
					free(buf);
					return fail(jp, "\\u0000 in a name (a name cannot hold a NUL byte)");
				}
				break;
			}
			default:
				free(buf);
				return fail(jp, "bad escape in a string");
			}
			if (buf && raw_byte >= 0)
				buf[n++] = (char)raw_byte;
			else if (buf)
				put_utf8(buf, &n, cp);
		} else if (buf) {
			buf[n++] = (char)c;
		}
	}
	if (out) {
		buf[n] = '\0';
		*out = buf;
	}
	return 0;
}

static bool at_digit(const struct parser *jp)
{
	return jp->p < jp->end && *jp->p >= '0' && *jp->p <= '9';
}

/*
 * A number, by RFC 8259's grammar: -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?.
 * *out (if out) gets it when it is a count: no sign, fraction or exponent, below 2^64.
 */
static int parse_number(struct parser *jp, uint64_t *out)
{
	uint64_t v = 0;
	bool negative = false, fraction = false, exponent = false, overflow = false;

	skip_ws(jp);
	if (jp->p < jp->end && *jp->p == '-') {
		negative = true;
		jp->p++;
	}
	if (!at_digit(jp))
		return fail(jp, "expected a value");
	if (*jp->p == '0') {
		jp->p++;
		if (at_digit(jp))
			return fail(jp, "a number with a leading zero");
	}
	while (at_digit(jp)) {
		unsigned d = (unsigned)(*jp->p++ - '0');
		if (v > (UINT64_MAX - d) / 10)
			overflow = true;
		v = v * 10 + d;
	}
	if (jp->p < jp->end && *jp->p == '.') {
		fraction = true;
		jp->p++;
		if (!at_digit(jp))
			return fail(jp, "a number with no digit after '.'");
		while (at_digit(jp))
			jp->p++;
	}
	if (jp->p < jp->end && (*jp->p == 'e' || *jp->p == 'E')) {
		exponent = true;
		jp->p++;
		if (jp->p < jp->end && (*jp->p == '+' || *jp->p == '-'))
			jp->p++;
		if (!at_digit(jp))
			return fail(jp, "a number with no digit in its exponent");
		while (at_digit(jp))
			jp->p++;
	}
	if (out) {
		if (negative || fraction || exponent)
			return fail(jp, "expected a count (a non-negative integer)");
		if (overflow)
			return fail(jp, "a count of 2^64 or more");
		*out = v;
	}
	return 0;
}

static int parse_value(struct parser *jp, int depth);

/* An object whose members are all numbers, summed into *sum (faults). */
static int parse_sum(struct parser *jp, uint64_t *sum)
{
	*sum = 0;
	if (!eat(jp, '{'))
		return fail(jp, "expected an object");
	if (eat(jp, '}'))
		return 0;
	do {
		uint64_t v;
		if (parse_string(jp, NULL) || !eat(jp, ':') || parse_number(jp, &v))
			return fail(jp, "expected \"NAME\": COUNT");
		if (v > UINT64_MAX - *sum)
			return fail(jp, "the faults add up to 2^64 or more");
		*sum += v;
	} while (eat(jp, ','));
	return eat(jp, '}') ? 0 : fail(jp, "expected ',' or '}'");
}

/* An object, and the one member `want` of it as a count. */
static int parse_member(struct parser *jp, const char *want, uint64_t *out, bool *found, int depth)
{
	if (!eat(jp, '{'))
		return fail(jp, "expected an object");
	if (eat(jp, '}'))
		return 0;
	do {
		char *key = NULL;
		int rc;
		if (parse_string(jp, &key) || !eat(jp, ':')) {
			free(key);
			return fail(jp, "expected \"KEY\": VALUE");
		}
		if (strcmp(key, want) == 0) {
			rc = parse_number(jp, out);
			*found = true;
		} else {
			rc = parse_value(jp, depth + 1);
		}
		free(key);
		if (rc)
			return -1;
	} while (eat(jp, ','));
	return eat(jp, '}') ? 0 : fail(jp, "expected ',' or '}'");
}

static int parse_value(struct parser *jp, int depth)
{
	skip_ws(jp);
	if (depth > DEPTH_MAX)
		return fail(jp, "nested too deeply");
	if (jp->p >= jp->end)
		return fail(jp, "unexpected end of file");
	switch (*jp->p) {
	case '"':
		return parse_string(jp, NULL);
	case '{':
	case '[': {
		char close = *jp->p == '{' ? '}' : ']';
		jp->p++;
		if (eat(jp, close))
			return 0;
		do {
			if (close == '}' && (parse_string(jp, NULL) || !eat(jp, ':')))
				return fail(jp, "expected \"KEY\": VALUE");
			if (parse_value(jp, depth + 1))
				return -1;
		} while (eat(jp, ','));
		return eat(jp, close) ? 0 : fail(jp, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
	}
	case 't':
	case 'f':
	case 'n': {
		static const char *const words[] = { "true", "false", "null" };
		for (int i = 0; i < 3; i++) {
			size_t n = strlen(words[i]);
			if ((size_t)(jp->end - jp->p) >= n && memcmp(jp->p, words[i], n) == 0) {
				jp->p += n;
				return 0;
			}
		}
		return fail(jp, "expected a value");
	}
	default:
		return parse_number(jp, NULL);
	}
}

/* The report's members the table reads, in F_* bit order ("accesses" for F_ACCESSES). */
static const char *const field_names[] = { "trace", "format", "config", "accesses", "walks", "pte_reads",
					   "faults", "demand_paged", "cycles" };

/* One replay report. */
static int parse_report(struct parser *jp, struct report_fields *f)
{
	unsigned keys = 0;          /* the field_names members seen, as F_* bits */

	if (!eat(jp, '{'))
		return fail(jp, "expected '{' (a replay report)");
	if (eat(jp, '}'))
		return 0;
	do {
		char *key = NULL;
		int rc;
		bool found = false;

		if (parse_string(jp, &key) || !eat(jp, ':')) {
			free(key);
			return fail(jp, "expected \"KEY\": VALUE");
		}
#define STR_FIELD(name, field, bit) \
	else if (strcmp(key, name) == 0) { rc = parse_string(jp, &f->field); f->seen |= bit; }
#define NUM_FIELD(name, field, bit) \
	else if (strcmp(key, name) == 0) { rc = parse_number(jp, &f->row.field); f->seen |= bit; }
		/* A field the table reads, twice (reports edited or pasted together): which one would count? */
		unsigned bit = 0;
		for (unsigned i = 0; i < sizeof(field_names) / sizeof(field_names[0]); i++)
			if (strcmp(key, field_names[i]) == 0)
				bit = 1u << i;
		if (bit & keys) {
			snprintf(jp->msg, sizeof(jp->msg), "\"%s\" given twice", key);
			free(key);
			return -1;
		}
		keys |= bit;
		if (0) {
			rc = 0;
		}
		STR_FIELD("trace", trace, F_TRACE)
		STR_FIELD("format", format, F_FORMAT)
		STR_FIELD("config", config, F_CONFIG)
		NUM_FIELD("walks", walks, F_WALKS)
		NUM_FIELD("pte_reads", pte_reads, F_PTE_READS)
		NUM_FIELD("demand_paged", demand_paged, F_DEMAND)
		NUM_FIELD("cycles", cycles, F_CYCLES)
		else if (strcmp(key, "accesses") == 0) {
			rc = parse_member(jp, "total", &f->row.accesses, &found, 1);
			if (found)
				f->seen |= F_ACCESSES;
		} else if (strcmp(key, "faults") == 0) {
			rc = parse_sum(jp, &f->row.faults);
			f->seen |= F_FAULTS;
		} else {
			rc = parse_value(jp, 1);
		}
#undef STR_FIELD
#undef NUM_FIELD
		free(key);
		if (rc)
			return -1;
	} while (eat(jp, ','));
	return eat(jp, '}') ? 0 : fail(jp, "expected ',' or '}'");
}

static void fields_free(struct report_fields *f)
{
	free(f->trace);
	free(f->format);
	free(f->config);
}

static const char *missing_field(unsigned seen)
{
	static const char *const names[] = { "trace", "format", "config", "accesses.total", "walks", "pte_reads",
					     "faults", "demand_paged", "cycles" };
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!(seen & (1u << i)))
			return names[i];
	return "?";
}

/*
 * A replay report is a few KB, so a file (or stdin) larger than this holds no
 * reports: it is refused rather than read until memory runs out (/dev/zero).
 */
#define MERGE_FILE_MAX ((size_t)256 << 20)

/* path names the file in messages ("<stdin>" for standard input, as every command says). */
static char *read_file(const char *path, bool from_stdin, size_t *len, mmusim_error *err)
{
	FILE *f = from_stdin ? stdin : fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f) {
		cli_set_error(err, MMUSIM_EIO, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (n == cap && cap >= MERGE_FILE_MAX) {
			cli_set_error(err, MMUSIM_EINVAL, "%s: over 256 MiB: not replay reports (merge the results "
				      "as separate files)", path);
			free(buf);
			buf = NULL;
			break;
		}
		if (n == cap) {
			char *nb = realloc(buf, cap ? cap * 2 : 65536);
			if (!nb) {
				cli_set_error(err, MMUSIM_ENOMEM, "%s: out of memory", path);
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap = cap ? cap * 2 : 65536;
		}
		size_t k = fread(buf + n, 1, cap - n, f);
		n += k;
		if (k == 0) {
			if (ferror(f)) {
				cli_set_error(err, MMUSIM_EIO, "%s: cannot read: %s", path, strerror(errno));
				free(buf);
				buf = NULL;
			}
			break;
		}
	}
	if (f != stdin)
		fclose(f);
	*len = n;
	return buf;
}

/* One file's text, read once (stdin cannot be read twice). */
struct merge_input {
	const char *path;           /* as messages name it: "<stdin>" for '-' */
	bool from_stdin;
	char *text;
	size_t len;
	size_t rows_end;            /* rows[...rows_end) are this file's and the earlier files' */
};

/* Appends the reports of one file to rows (and, with json, prints them). */
static int merge_file(const struct merge_input *in, bool json, struct sweep_row **rows, size_t *nr, size_t *cap,
		      mmusim_error *err)
{
	const char *path = in->path, *text = in->text;
	size_t len = in->len, count = 0;
	struct parser jp;
	int rc = MMUSIM_OK;

	jp = (struct parser){ .s = text, .p = text, .end = text + len, .line = 1 };
	for (;;) {
		struct report_fields f = { 0 };
		const char *start;

		skip_ws(&jp);
		if (jp.p == jp.end)
			break;
		start = jp.p;
		uint64_t line = jp.line;
		if (parse_report(&jp, &f)) {
			rc = cli_set_error(err, MMUSIM_EINVAL, "%s:%" PRIu64 ": %s (not an mmusim replay report?)", path,
					  jp.line, jp.msg);
			fields_free(&f);
			break;
		}
		if ((f.seen & F_ALL) != F_ALL) {
			rc = cli_set_error(err, MMUSIM_EINVAL, "%s:%" PRIu64 ": a replay report without \"%s\"", path, line,
					  missing_field(f.seen));
			fields_free(&f);
			break;
		}
		if (*nr == *cap) {
			struct sweep_row *nrows = realloc(*rows, (*cap ? *cap * 2 : 16) * sizeof(**rows));
			if (!nrows) {
				rc = cli_set_error(err, MMUSIM_ENOMEM, "out of memory");
				fields_free(&f);
				break;
			}
			*rows = nrows;
			*cap = *cap ? *cap * 2 : 16;
		}
		f.row.trace = f.trace;
		f.row.format = f.format;
		f.row.config = f.config;
		(*rows)[(*nr)++] = f.row;
		count++;
		if (json) {
			fwrite(start, 1, (size_t)(jp.p - start), stdout);
			fputc('\n', stdout);
		}
	}
	if (rc == MMUSIM_OK && count == 0)
		rc = cli_set_error(err, MMUSIM_EINVAL, "%s: no replay report in it (did the job fail?)", path);
	return rc;
}

int cmd_merge(struct cli *cli, struct args *a)
{
	struct sweep_row *rows = NULL;
	size_t nr = 0, cap = 0, nr_files = 0;
	struct merge_input *files = calloc((size_t)a->argc, sizeof(*files));
	const char **paths = calloc((size_t)a->argc, sizeof(*paths));  /* the inputs an output may not be */
	const char *csv = NULL, *v, *stdin_named = NULL, **origin = NULL;
	mmusim_error err = { 0 };
	int r, rc = EXIT_OK;

	if (!files || !paths) {
		free(files);
		free(paths);
		return cli_usage_error("out of memory");
	}
	while (a->i < a->argc) {
		const char *arg = a->argv[a->i];
		if (args_help(a)) {
			fputs(merge_help, stdout);
			goto out;
		}
		if ((r = args_value(a, "--csv", &v)) != 0) {
			if (r < 0) {
				rc = EXIT_BAD_INPUT;
				goto out;
			}
			csv = v;
			continue;
		}
		if (args_flag(a, "--json")) {
			cli->json = true;
			continue;
		}
		if (arg[0] == '-' && arg[1] == '-') {
			rc = cli_unknown_option("merge", arg);
			goto out;
		}
		if (strcmp(arg, "-") == 0 && stdin_named) {
			rc = cli_usage_error("merge: stdin ('-') named twice (it can be read once)");
			goto out;
		}
		if (strcmp(arg, "-") == 0)
			stdin_named = arg;
		paths[nr_files] = arg;
		files[nr_files].from_stdin = strcmp(arg, "-") == 0;
		files[nr_files++].path = strcmp(arg, "-") == 0 ? "<stdin>" : arg;
		a->i++;
	}
	if (!nr_files) {
		rc = cli_usage_error("merge: no result files given (see mmusim merge --help)");
		goto out;
	}
	/* Everything is checked before anything is printed: one bad file, one line on stderr. */
	if ((rc = cli_output_not_stdout("merge", "--csv", csv, "the CSV", "table")) != EXIT_OK ||
	    (rc = cli_output_check(cli, csv, paths, nr_files)) != EXIT_OK)
		goto out;
	for (size_t i = 0; i < nr_files; i++) {
		if (!(files[i].text = read_file(files[i].path, files[i].from_stdin, &files[i].len, &err)) ||
		    merge_file(&files[i], false, &rows, &nr, &cap, &err)) {
			rc = cli_fail(&err);
			goto out;
		}
		files[i].rows_end = nr;
	}
	/* Two results of one trace on two configs both named x86_64: each row says its file. */
	if (!(origin = calloc(nr ? nr : 1, sizeof(*origin)))) {
		rc = cli_usage_error("out of memory");
		goto out;
	}
	for (size_t i = 0, row = 0; i < nr_files; i++)
		for (; row < files[i].rows_end; row++)
			origin[row] = files[i].path;
	if (sweep_rows_tell_apart(rows, nr, origin)) {
		rc = cli_usage_error("out of memory");
		goto out;
	}
	if (cli->json) {
		sweep_rows_free(rows, nr);
		rows = NULL;
		nr = cap = 0;
		for (size_t i = 0; i < nr_files; i++)
			merge_file(&files[i], true, &rows, &nr, &cap, &err);
	} else {
		sweep_table(stdout, rows, nr);
	}
	if (csv) {
		mmusim_output *f;
		if ((rc = cli_output_open(cli, csv, NULL, 0, &f)) != EXIT_OK)
			goto out;
		sweep_csv(mmusim_output_stream(f), rows, nr);
		rc = cli_output_commit(f);
	}
out:
	sweep_rows_free(rows, nr);
	free(origin);
	for (size_t i = 0; i < nr_files; i++)
		free(files[i].text);
	free(files);
	free(paths);
	return rc;
}
