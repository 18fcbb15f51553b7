/*
 * quiz_options: the quiz's knobs (see quiz_options.h).  A knob that changes
 * the machine (--memory, --va-bits) and the TLB questions' own TLB are YAML
 * laid over the preset with `extends:`, so the config loader checks them
 * with its usual messages; a config file cannot be extended that way, and
 * says so.
 */
#include "quiz_options.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_errors.h"
#include "cli_machine.h"
#include "cli_output.h"
#include "quiz_text.h"
#include "size_text.h"

static const char *const kind_names[] = { "translate", "pte", "fault", "tlb", "replacement", NULL };

void quiz_opts_init(struct quiz_opts *o)
{
	memset(o, 0, sizeof(*o));
	quiz_params_default(&o->params);
}

/* A list with an empty item ("1,,2", a leading or trailing comma): strtok_r would skip it quietly. */
static bool has_empty_item(const char *v)
{
	return !*v || v[0] == ',' || v[strlen(v) - 1] == ',' || strstr(v, ",,");
}

static int parse_kinds(const char *v, unsigned *out)
{
	char buf[256], *save = NULL;

	*out = 0;
	if (strlen(v) >= sizeof(buf) || has_empty_item(v))
		return -1;
	strcpy(buf, v);
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		unsigned k = 0;
		while (kind_names[k] && strcmp(kind_names[k], w) != 0)
			k++;
		if (!kind_names[k])
			return -1;
		*out |= 1u << k;
	}
	return *out ? 0 : -1;
}

/* "25%" or "0.25": a share in (0, 1]. */
static int parse_share(const char *v, double *out)
{
	char *end;
	double d = strtod(v, &end);

	if (end == v)
		return -1;
	if (*end == '%') {
		d /= 100;
		end++;
	}
	if (*end || !(d > 0 && d <= 1))
		return -1;
	*out = d;
	return 0;
}

/* "4:2:lru" */
static int parse_tlb(const char *v, struct quiz_tlb_params *t)
{
	unsigned e, w;
	char policy[8];
	int used = 0;

	if (sscanf(v, "%u:%u:%7[a-z]%n", &e, &w, policy, &used) != 3 || v[used] || !e || !w)
		return -1;
	if (strcmp(policy, "lru") != 0 && strcmp(policy, "fifo") != 0)
		return -1;
	t->entries = e;
	t->ways = w;
	t->fifo = strcmp(policy, "fifo") == 0;
	return 0;
}

static int parse_refs(const char *v, struct quiz_repl_params *r)
{
	char buf[512], *save = NULL;

	r->nr_refs = 0;
	if (strlen(v) >= sizeof(buf) || has_empty_item(v))
		return -1;
	strcpy(buf, v);
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		uint64_t n;
		if (r->nr_refs == QUIZ_REPL_MAX_REFS || mmusim_parse_number(w, false, &n, NULL) || n >= QUIZ_REPL_MAX_REFS)
			return -1;
		r->refs[r->nr_refs++] = (unsigned)n;
	}
	return r->nr_refs ? 0 : -1;
}

int quiz_parse_option(struct args *a, struct quiz_opts *o)
{
	const char *v;
	uint64_t n;
	int r;

	if ((r = args_value(a, "--kinds", &v)) != 0) {
		if (r < 0)
			return -1;
		if (parse_kinds(v, &o->params.kinds))
			return cli_usage_error("quiz: bad --kinds '%s' (expected a list of translate, pte, fault, tlb, "
					       "replacement)", v), -1;
		return 1;
	}
	if ((r = args_value(a, "--mappings", &v)) != 0) {
		if (r < 0)
			return -1;
		if (mmusim_parse_number(v, false, &n, NULL) || n < 1 || n > QUIZ_MAX_BASE_PAGES)
			return cli_usage_error("quiz: bad --mappings '%s' (expected 1 to %d)", v, QUIZ_MAX_BASE_PAGES), -1;
		o->params.mappings = (unsigned)n;
		return 1;
	}
	if ((r = args_value(a, "--valid-share", &v)) != 0) {
		if (r < 0)
			return -1;
		if (parse_share(v, &o->params.valid_share))
			return cli_usage_error("quiz: bad --valid-share '%s' (expected a share above 0 and at most 1, "
					       "such as 0.25 or 25%%)", v), -1;
		return 1;
	}
	if ((r = args_value(a, "--page-sizes", &o->page_sizes)) != 0)
		return r;
	if ((r = args_value(a, "--memory", &v)) != 0) {
		if (r < 0)
			return -1;
		if (mmusim_parse_number(v, true, &o->memory, NULL) || !o->memory)
			return cli_usage_error("quiz: bad --memory '%s' (expected a size such as 64K)", v), -1;
		return 1;
	}
	if ((r = args_value(a, "--va-bits", &v)) != 0) {
		if (r < 0)
			return -1;
		if (mmusim_parse_number(v, false, &n, NULL) || n < 1 || n > 64)
			return cli_usage_error("quiz: bad --va-bits '%s' (expected 1 to 64)", v), -1;
		o->va_bits = (unsigned)n;
		return 1;
	}
	if ((r = args_value(a, "--tlb", &v)) != 0) {
		if (r < 0)
			return -1;
		if (parse_tlb(v, &o->params.tlb))
			return cli_usage_error("quiz: bad --tlb '%s' (expected ENTRIES:WAYS:lru|fifo, such as 4:2:lru)", v), -1;
		return 1;
	}
	if ((r = args_value(a, "--frames", &v)) != 0) {
		if (r < 0)
			return -1;
		if (mmusim_parse_number(v, false, &n, NULL) || n < 1 || n > QUIZ_REPL_MAX_FRAMES)
			return cli_usage_error("quiz: bad --frames '%s' (expected 1 to %d)", v, QUIZ_REPL_MAX_FRAMES), -1;
		o->params.repl.frames = (unsigned)n;
		return 1;
	}
	if ((r = args_value(a, "--replacement", &v)) != 0) {
		if (r < 0)
			return -1;
		for (unsigned k = 0; quiz_repl_policies[k]; k++)
			if (strcmp(v, quiz_repl_policies[k]) == 0)
				o->params.repl.policy = quiz_repl_policies[k];
		if (!o->params.repl.policy)
			return cli_usage_error("quiz: bad --replacement '%s' (expected fifo, lru, opt or clock)", v), -1;
		return 1;
	}
	if ((r = args_value(a, "--references", &v)) != 0) {
		if (r < 0)
			return -1;
		if (parse_refs(v, &o->params.repl))
			return cli_usage_error("quiz: bad --references '%s' (expected 1 to %d page numbers from 0 to %d, "
					       "comma-separated)", v, QUIZ_REPL_MAX_REFS, QUIZ_REPL_MAX_REFS - 1), -1;
		return 1;
	}
	if ((r = args_value(a, "--student", &o->student)) != 0 || (r = args_value(a, "--instructor", &o->instructor)) != 0)
		return r;
	if (args_flag(a, "--json")) {
		o->json = true;
		return 1;
	}
	return 0;
}

int quiz_check_options(const struct quiz_opts *o)
{
	const struct quiz_tlb_params *t = &o->params.tlb;

	if (o->student && o->instructor && cli_same_output(o->student, o->instructor))
		return cli_usage_error("quiz: --student and --instructor name the same file '%s': the answers would "
				       "overwrite the questions", o->instructor);
	if (t->entries && !(o->params.kinds & QUIZ_ASK_TLB))
		return cli_usage_error("quiz: --tlb applies to tlb questions (add tlb to --kinds)");
	if ((o->params.repl.frames || o->params.repl.policy || o->params.repl.nr_refs) &&
	    !(o->params.kinds & QUIZ_ASK_REPLACEMENT))
		return cli_usage_error("quiz: --frames, --replacement and --references apply to replacement questions "
				       "(add replacement to --kinds)");
	if (t->entries && (t->entries > 64 || !t->ways || t->entries % t->ways ||
			   ((t->entries / t->ways) & (t->entries / t->ways - 1))))
		return cli_usage_error("quiz: --tlb %u:%u: the ways must divide the entries (at most 64) into a power "
				       "of two of sets", t->entries, t->ways);
	return EXIT_OK;
}

/* extends: PRESET, memory and the toy's VA width. */
static int overlay(struct quiz_opts *o, const mmusim_config *plain, mmusim_error *err)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return cli_set_error(err, MMUSIM_ENOMEM, "quiz: out of memory");
	fprintf(f, "extends: %s\n", o->config);
	if (o->memory)
		fprintf(f, "memory: { size: %llu }\n", (unsigned long long)o->memory);
	if (o->va_bits) {
		unsigned offset = (unsigned)__builtin_ctzll(mmusim_config_page_size(plain));
		unsigned index = mmusim_config_index_bits(plain);
		if (strcmp(mmusim_config_arch(plain), "toy") != 0) {
			fclose(f);
			free(text);
			return cli_set_error(err, MMUSIM_EINVAL, "quiz: --va-bits applies to the toy arch (%s fixes its VA "
					     "width: pick another preset, e.g. sv39/sv48, x86_64/x86_64_la57)", o->config);
		}
		if (o->va_bits <= offset || (o->va_bits - offset) % index) {
			fclose(f);
			free(text);
			return cli_set_error(err, MMUSIM_EINVAL, "quiz: --va-bits %u does not fit %s: %u offset bits plus %u "
					     "bits per level (%u, %u, %u, ...)", o->va_bits, o->config, offset, index,
					     offset + index, offset + 2 * index, offset + 3 * index);
		}
		/* A layer over the preset cannot take its huge bit away, and one level has no huge pages. */
		if (o->va_bits < offset + 2 * index) {
			fclose(f);
			free(text);
			return cli_set_error(err, MMUSIM_EINVAL, "quiz: --va-bits %u gives %s one level, and its huge "
					     "bit needs two or more (%u, %u, ...; for one level, write a config file)",
					     o->va_bits, o->config, offset + 2 * index, offset + 3 * index);
		}
		fprintf(f, "toy: { va_bits: %u, levels: %u }\n", o->va_bits, (o->va_bits - offset) / index);
	}
	fclose(f);
	o->base_yaml = text;
	return MMUSIM_OK;
}

/*
 * The knobs' YAML is ours, not the user's: "quiz knobs:2:17: memory.size ..."
 * becomes "quiz: --memory 100 on toy: memory.size ...".
 */
static void name_the_knobs(const struct quiz_opts *o, mmusim_error *err)
{
	char prefix[160], size[32] = "", va[32] = "";
	size_t skip = 0;

	if (strncmp(err->message, "quiz knobs:", 11) == 0) {
		skip = 11 + strspn(err->message + 11, "0123456789:");
		skip += strspn(err->message + skip, " ");
	}
	memmove(err->message, err->message + skip, strlen(err->message + skip) + 1);
	if (o->memory)
		format_size(o->memory, size, sizeof(size));
	if (o->va_bits)
		snprintf(va, sizeof(va), "--va-bits %u", o->va_bits);
	snprintf(prefix, sizeof(prefix), "quiz: %s%s%s%s on %s", o->memory ? "--memory " : "", size,
		 o->memory && o->va_bits ? ", " : "", va, o->config);
	mmusim_error_prefix(err, prefix);
}

int quiz_load_config(struct quiz_opts *o, bool is_file, mmusim_config **cfg, mmusim_error *err)
{
	bool preset = !is_file || mmusim_preset_yaml(o->config);
	mmusim_config *plain;
	int rc;

	if (cli_load_config(o->config, is_file ? "--config" : NULL, &plain, err))
		return cli_fail(err);
	if (!preset) {
		*cfg = plain;
		if (o->memory || o->va_bits)
			rc = cli_set_error(err, MMUSIM_EINVAL, "quiz: --memory and --va-bits apply to a preset; "
					   "write them in %s instead", o->config);
		else if (o->params.kinds & QUIZ_ASK_TLB)
			rc = cli_set_error(err, MMUSIM_EINVAL, "quiz: tlb questions need a preset (--arch), whose "
					   "TLB they replace; %s is a file", o->config);
		else
			return EXIT_OK;
		mmusim_config_free(plain);
		return cli_fail(err);
	}
	if ((rc = overlay(o, plain, err))) {
		mmusim_config_free(plain);
		return cli_fail(err);
	}
	o->params.tlb_base_yaml = o->base_yaml;
	if (!o->memory && !o->va_bits) {
		*cfg = plain;
		return EXIT_OK;
	}
	mmusim_config_free(plain);
	if (mmusim_config_parse(o->base_yaml, strlen(o->base_yaml), "quiz knobs", cfg, err)) {
		name_the_knobs(o, err);
		free(o->base_yaml);
		o->base_yaml = NULL;
		o->params.tlb_base_yaml = NULL;
		return cli_fail(err);
	}
	return EXIT_OK;
}

int quiz_options_params(struct quiz_opts *o, const mmusim_config *cfg, mmusim_error *err)
{
	uint64_t base = mmusim_config_page_size(cfg);
	uint64_t huge = mmusim_config_levels(cfg) >= 2 ? mmusim_config_leaf_size(cfg, 2) : 0;
	mmusim_pte_layout l;

	if (o->params.repl.policy && strcmp(o->params.repl.policy, "clock") == 0 &&
	    (o->params.kinds & QUIZ_ASK_REPLACEMENT) && mmusim_config_pte_layout(cfg, &l) && l.accessed < 0)
		return cli_set_error(err, MMUSIM_EINVAL, "quiz: --replacement clock reads the A bits, and %s's PTEs "
				     "have none (add accessed: BIT to its toy block)", mmusim_config_name(cfg));
	if (!o->page_sizes)
		return MMUSIM_OK;
	char buf[128], *save = NULL, b[32], h[32];
	bool has_base = false;

	format_page_size(base, b, sizeof(b));
	format_page_size(huge ? huge : base, h, sizeof(h));
	o->params.no_huge = true;
	if (strlen(o->page_sizes) >= sizeof(buf))
		return cli_set_error(err, MMUSIM_EINVAL, "quiz: bad --page-sizes (too long)");
	if (has_empty_item(o->page_sizes))
		return cli_set_error(err, MMUSIM_EINVAL, "quiz: bad --page-sizes '%s' (expected sizes such as 4K,2M)",
				     o->page_sizes);
	strcpy(buf, o->page_sizes);
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		uint64_t n;
		if (mmusim_parse_number(w, true, &n, NULL))
			return cli_set_error(err, MMUSIM_EINVAL, "quiz: bad --page-sizes '%s' (expected sizes such as "
					     "4K,2M)", o->page_sizes);
		if (n == base)
			has_base = true;
		else if (huge && n == huge)
			o->params.no_huge = false;
		else if (huge)
			return cli_set_error(err, MMUSIM_EINVAL, "quiz: --page-sizes: %s is not a page size a quiz maps on %s "
					     "(%s and %s)", w, mmusim_config_name(cfg), b, h);
		else
			return cli_set_error(err, MMUSIM_EINVAL, "quiz: --page-sizes: %s is not a page size a quiz maps on %s "
					     "(%s only)", w, mmusim_config_name(cfg), b);
	}
	if (!has_base)
		return cli_set_error(err, MMUSIM_EINVAL, "quiz: --page-sizes must include the base page (%s on %s)", b,
				     mmusim_config_name(cfg));
	return MMUSIM_OK;
}

static int write_file(const char *path, const struct quiz *q, const struct quiz_opts *o, bool answers,
		      void (*print_text)(FILE *, const struct quiz *, const struct quiz_opts *))
{
	struct quiz_opts copy = *o;
	mmusim_output *out;
	mmusim_error err = { 0 };

	copy.answers = answers;
	if (mmusim_output_open(path, &out, &err))
		return cli_output_fail(&err);
	if (o->json)
		quiz_json_write(mmusim_output_stream(out), q, answers);
	else
		print_text(mmusim_output_stream(out), q, &copy);
	if (mmusim_output_commit(out, &err))
		return cli_output_fail(&err); /* a full disk is exit status 1, as in every command */
	return EXIT_OK;
}

int quiz_write_all(const struct quiz *q, const struct quiz_opts *o,
		   void (*print_text)(FILE *out, const struct quiz *q, const struct quiz_opts *o))
{
	int rc;

	if (!o->student && !o->instructor) {
		if (o->json)
			quiz_json_write(stdout, q, o->answers);
		else
			print_text(stdout, q, o);
		return EXIT_OK;
	}
	if (o->student && (rc = write_file(o->student, q, o, false, print_text)) != EXIT_OK)
		return rc;
	if (o->instructor && (rc = write_file(o->instructor, q, o, true, print_text)) != EXIT_OK)
		return rc;
	return EXIT_OK;
}
