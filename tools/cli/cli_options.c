/* cli_options: parsing the options the commands share (see cli_options.h). */
#include "cli_options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_errors.h"
#include "cli_lists.h"

int args_value(struct args *a, const char *name, const char **value)
{
	const char *arg = a->argv[a->i];
	size_t n = strlen(name);

	if (strncmp(arg, name, n) != 0)
		return 0;
	if (arg[n] == '=') {
		*value = arg + n + 1;
		a->i++;
		return 1;
	}
	if (arg[n] != '\0')
		return 0;
	if (a->i + 1 >= a->argc) {
		cli_usage_error("option %s needs a value (see mmusim --help)", name);
		return -1;
	}
	*value = a->argv[a->i + 1];
	a->i += 2;
	return 1;
}

bool args_flag(struct args *a, const char *name)
{
	if (strcmp(a->argv[a->i], name) != 0)
		return false;
	a->i++;
	return true;
}

bool args_help(const struct args *a)
{
	return strcmp(a->argv[a->i], "--help") == 0 || strcmp(a->argv[a->i], "-h") == 0;
}

static int add_setup(struct cli *cli, bool is_map, bool stage2, const char *text)
{
	struct setup_item *s = realloc(cli->setup, (size_t)(cli->nr_setup + 1) * sizeof(*s));

	if (!s) {
		fputs("mmusim: out of memory\n", stderr);
		return -1;
	}
	cli->setup = s;
	cli->setup[cli->nr_setup++] = (struct setup_item){ .is_map = is_map, .stage2 = stage2, .text = text };
	return 1;
}

int cli_decoder_memory_option(struct cli *cli, struct args *a)
{
	const char *v;
	int r = args_value(a, "--decoder-memory", &v);

	if (r <= 0)
		return r;
	if (mmusim_parse_number(v, true, &cli->decoder_memory, NULL) != MMUSIM_OK || cli->decoder_memory == 0) {
		cli_usage_error("bad --decoder-memory '%s' (expected a size such as 512M or 2G)", v);
		return -1;
	}
	return 1;
}

/* The root registers that have an option of their own (--cr3 VALUE, ...). */
static const char *const regs[] = { "cr3", "satp", "ttbr0", "eptp", "hgatp", "ncr3", "vttbr" };

bool cli_root_register_has_option(const char *name)
{
	for (unsigned i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		if (strcmp(regs[i], name) == 0)
			return true;
	return false;
}

int cli_common_option(struct cli *cli, struct args *a)
{
	const char *v = NULL;   /* args_value sets it whenever it returns 1 */
	int r;

	if ((r = cli_decoder_memory_option(cli, a)) != 0)
		return r;

	if ((r = args_value(a, "--config", &v)) != 0) {
		cli->config = v;
		return r;
	}
	if (args_flag(a, "--json")) {
		cli->json = true;
		return 1;
	}
	if ((r = args_value(a, "--setup", &v)) != 0)
		return r < 0 ? r : add_setup(cli, false, false, v);
	if ((r = args_value(a, "--map", &v)) != 0)
		return r < 0 ? r : add_setup(cli, true, false, v);
	if ((r = args_value(a, "--gmap", &v)) != 0)
		return r < 0 ? r : add_setup(cli, true, true, v);
	if ((r = args_value(a, "--image", &cli->image)) != 0 ||
	    (r = args_value(a, "--image-base", &cli->image_base)) != 0 ||
	    (r = args_value(a, "--root", &cli->root)) != 0 ||
	    (r = args_value(a, "--stage2-root", &cli->stage2_root)) != 0 ||
	    (r = args_value(a, "--ttbr1", &cli->upper_root_reg)) != 0 ||
	    (r = args_value(a, "--tcr", &cli->tcr)) != 0)
		return r;
	for (unsigned i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		char opt[8];
		snprintf(opt, sizeof(opt), "--%s", regs[i]);
		if ((r = args_value(a, opt, &v)) != 0) {
			/* A VM's image takes two: the guest's root and the stage-2 root. */
			if (r > 0 && cli->nr_regs == 2) {
				cli_usage_error("at most two root registers (the guest's and the stage-2 one): --%s", regs[i]);
				return -1;
			}
			if (r > 0) {
				cli->reg[cli->nr_regs] = v;
				cli->reg_name[cli->nr_regs++] = regs[i];
			}
			return r;
		}
	}
	return 0;
}

void cli_free(struct cli *cli)
{
	free(cli->setup);
	cli->setup = NULL;
	cli->nr_setup = 0;
}

int cli_replay_option(struct args *a, enum mmusim_trace_format *format, mmusim_mmu_options *opt,
		      uint64_t *warmup)
{
	const char *arg = a->argv[a->i], *v;
	int r;

	if (format && (r = args_value(a, "--format", &v)) != 0) {
		if (r < 0)
			return -1;
		if (mmusim_trace_format_parse(v, format) != MMUSIM_OK) {
			cli_bad_format(v);
			return -1;
		}
		return 1;
	}
	if (strcmp(arg, "--demand-paging") == 0 || strncmp(arg, "--demand-paging=", 16) == 0) {
		uint64_t size = 1; /* the base page, resolved with the config */
		if (arg[15] == '=' &&
		    (mmusim_parse_number(arg + 16, true, &size, NULL) != MMUSIM_OK || !size || (size & (size - 1)))) {
			cli_usage_error("bad --demand-paging size '%s' (expected 4K, 2M or 1G)", arg + 16);
			return -1;
		}
		opt->demand_page_size = size;
		a->i++;
		return 1;
	}
	if (args_flag(a, "--no-auto-flush")) {
		opt->no_auto_flush = true;
		return 1;
	}
	if (args_flag(a, "--check-stale")) {
		opt->check_stale = true;
		return 1;
	}
	if ((r = args_value(a, "--warmup", &v)) != 0) {
		if (r < 0)
			return -1;
		if (mmusim_parse_number(v, true, warmup, NULL) != MMUSIM_OK) {
			cli_usage_error("bad --warmup '%s' (expected a number of accesses)", v);
			return -1;
		}
		return 1;
	}
	return 0;
}

/* The OS layer's options: 1 taken, 0 not one of them, -1 bad (message printed). */
int cli_os_option(struct args *a, mmusim_mmu_options *opt)
{
	const char *v;
	int r;

	if ((r = args_value(a, "--resident-pages", &v)) != 0) {
		if (r < 0)
			return -1;
		if (mmusim_parse_number(v, false, &opt->resident_pages, NULL) != MMUSIM_OK || !opt->resident_pages) {
			cli_usage_error("bad --resident-pages '%s' (expected a number of pages, at least 1)", v);
			return -1;
		}
		return 1;
	}
	if ((r = args_value(a, "--replacement", &opt->replacement)) != 0)
		return r;
	if ((r = args_value(a, "--seed", &v)) != 0) {
		if (r < 0)
			return -1;
		if (mmusim_parse_number(v, false, &opt->seed, NULL) != MMUSIM_OK) {
			cli_usage_error("bad --seed '%s' (expected a number)", v);
			return -1;
		}
		/* The generator takes seed 0 as 1, and 0 in the options means "not given":
		 * so that --seed 0 still wins over a config's os: { seed: N }, give it as 1. */
		if (!opt->seed)
			opt->seed = 1;
		return 1;
	}
	/* The last of the two wins; either wins over the config's os: block. */
	if (args_flag(a, "--no-clock-flush")) {
		opt->no_clock_flush = true;
		opt->clock_flush = false;
		return 1;
	}
	if (args_flag(a, "--clock-flush")) {
		opt->no_clock_flush = false;
		opt->clock_flush = true;
		return 1;
	}
	return 0;
}

int cli_parse_va(const char *s, uint64_t *va, mmusim_error *err)
{
	switch (mmusim_parse_number(s, false, va, NULL)) {
	case MMUSIM_OK:
		return MMUSIM_OK;
	case MMUSIM_EOVERFLOW:
		return cli_set_error(err, MMUSIM_EINVAL, "VA '%s' does not fit in 64 bits", s);
	default:
		return cli_set_error(err, MMUSIM_EINVAL, "bad VA '%s' (expected decimal or 0x-hex)", s);
	}
}

bool cli_parse_access(const char *s, enum mmusim_access *access)
{
	static const struct {
		const char *letter;
		enum mmusim_access access;
	} accesses[] = { { "r", MMUSIM_READ }, { "w", MMUSIM_WRITE }, { "x", MMUSIM_EXEC } };

	for (size_t i = 0; i < sizeof(accesses) / sizeof(accesses[0]); i++)
		if (strcmp(s, accesses[i].letter) == 0) {
			*access = accesses[i].access;
			return true;
		}
	return false;
}

int cli_request_option(mmusim_request *req, struct args *a)
{
	const char *v;
	int r;

	if ((r = args_value(a, "--access", &v)) != 0) {
		if (r < 0)
			return -1;
		if (!cli_parse_access(v, &req->access)) {
			cli_usage_error("bad --access '%s' (expected r, w or x)", v);
			return -1;
		}
		return 1;
	}
	if (args_flag(a, "--user")) { req->priv = MMUSIM_USER; return 1; }
	if (args_flag(a, "--supervisor")) { req->priv = MMUSIM_SUPERVISOR; return 1; }
	if (args_flag(a, "--ac")) { req->smap_ac = true; return 1; }
	return 0;
}

int cli_check_request(const mmusim_config *cfg, const mmusim_request *req, mmusim_error *err)
{
	uint64_t smap;

	/* A format decides through its cpu: keys, not its name: EFLAGS.AC matters only where SMAP exists. */
	if (req->smap_ac && !mmusim_config_cpu_key(cfg, "smap", &smap))
		return cli_set_error(err, MMUSIM_EINVAL, "--ac sets x86 EFLAGS.AC, which lifts SMAP: %s has no SMAP",
				     mmusim_config_arch(cfg));
	return MMUSIM_OK;
}

int cli_check_va_fits(const mmusim_config *cfg, const char *text, uint64_t va, mmusim_error *err)
{
	const unsigned bits = mmusim_config_address_bits(cfg);

	if (bits < 64 && va >> bits)
		return cli_set_error(err, MMUSIM_EINVAL, "VA '%s' is out of range: %s addresses are %u bits", text,
				     mmusim_config_arch(cfg), bits);
	return MMUSIM_OK;
}

int cli_va_operand(struct args *a, const char *command, const char **vas, int *n)
{
	const char *arg = a->argv[a->i];

	if (arg[0] == '-' && arg[1] == '-') {
		cli_unknown_option(command, arg);
		return -1;
	}
	vas[(*n)++] = arg;
	a->i++;
	return 1;
}

int cli_check_vas(const char *const *vas, int n)
{
	mmusim_error err = { 0 };
	uint64_t va;

	for (int i = 0; i < n; i++)
		if (cli_parse_va(vas[i], &va, &err))
			return cli_fail(&err);
	return EXIT_OK;
}

int cli_interval_option(struct args *a, uint64_t *interval)
{
	const char *v;
	int r = args_value(a, "--interval", &v);

	if (r <= 0)
		return r;
	if (mmusim_parse_number(v, true, interval, NULL) != MMUSIM_OK || !*interval) {
		cli_usage_error("bad --interval '%s' (expected a positive number of accesses)", v);
		return -1;
	}
	return 1;
}

int cli_stdin_once(const struct cli *cli, const char *command, const char *trace)
{
	int n = trace && strcmp(trace, "-") == 0;

	for (int i = 0; i < cli->nr_setup; i++)
		n += !cli->setup[i].is_map && strcmp(cli->setup[i].text, "-") == 0;
	if (n > 1)
		return cli_usage_error("%s: stdin ('-') named %d times, as --setup or the trace (it can be read once)",
				       command, n);
	return EXIT_OK;
}
