/*
 * cli_machine: the machine the command-line options describe, built over the
 * public API alone — the config with --setup / --map applied in order, or the
 * page tables inside a physical-memory image (--image) — with its MMU, its
 * traces and the walks of translate and explain.
 */
#include "cli_machine.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_errors.h"
#include "cli_image_config.h"
#include "cli_options.h"
#include "root_halves.h"

static int parse_u64(const char *s, const char *what, uint64_t *out, mmusim_error *err)
{
	if (mmusim_parse_number(s, false, out, NULL) != MMUSIM_OK)
		return cli_set_error(err, MMUSIM_EINVAL, "bad %s '%s' (expected decimal or 0x-hex)", what, s);
	return MMUSIM_OK;
}

/*
 * One --map 'VA PA LEN FLAGS [cache=..]' or --gmap 'GPA HPA LEN FLAGS
 * [cache=..]': the map or gmap command's fields.
 */
static int apply_map(mmusim_machine *m, const char *verb, const char *text, int map_index, enum mmusim_priv *priv,
		     mmusim_error *err)
{
	char line[512], prefix[32];
	mmusim_event ev;
	int r;

	snprintf(prefix, sizeof(prefix), "--%s:%d", verb, map_index);
	if (snprintf(line, sizeof(line), "%s %s", verb, text) >= (int)sizeof(line))
		return cli_set_error(err, MMUSIM_EINVAL, "%s: argument too long", prefix);
	r = mmusim_parse_trace_line(line, &ev, err);
	if (r == 0)
		cli_set_error(err, MMUSIM_EINVAL, "missing field: usage is '%s'",
			      verb[0] == 'g' ? "GPA HPA LEN FLAGS [cache=..]" : "VA PA LEN FLAGS [cache=..]");
	if (r <= 0 || mmusim_apply_event(m, &ev, priv, err) != MMUSIM_OK) {
		mmusim_error_prefix(err, prefix);
		return err->code ? err->code : MMUSIM_EINVAL;
	}
	return MMUSIM_OK;
}

int cli_trace_open(const struct cli *cli, const char *path, enum mmusim_trace_format fmt, mmusim_trace **out,
		   mmusim_error *err)
{
	mmusim_trace_options opt = { .format = fmt, .decoder_memory = cli->decoder_memory };

	return mmusim_trace_open_opts(path, &opt, out, err);
}

/* One --setup TRACE; the privilege carries over from one item to the next. */
static int apply_setup_file(const struct cli *cli, mmusim_machine *m, const char *path, enum mmusim_priv *priv,
			    mmusim_error *err)
{
	mmusim_trace *t;
	mmusim_event ev[64];
	long n;
	int rc = MMUSIM_OK;

	if ((rc = cli_trace_open(cli, path, MMUSIM_TRACE_TEXT, &t, err)))
		return rc;
	while (rc == MMUSIM_OK && (n = mmusim_trace_next(t, ev, 64, err)) != 0) {
		if (n < 0) {
			rc = err->code ? err->code : MMUSIM_EINVAL;
			break;
		}
		for (long i = 0; i < n; i++) {
			if ((rc = mmusim_apply_event(m, &ev[i], priv, err))) {
				char prefix[MMUSIM_ERROR_MESSAGE_SIZE];
				snprintf(prefix, sizeof(prefix), "%s:%llu", path, (unsigned long long)ev[i].line);
				mmusim_error_prefix(err, prefix);
				break;
			}
		}
	}
	mmusim_trace_close(t);
	return rc;
}

int cli_load_config(const char *name, const char *option, mmusim_config **out, mmusim_error *err)
{
	static const char missing[] = ": no such file or preset";
	int rc = mmusim_config_load(name, out, err);
	size_t n = strlen(name);

	if (rc == MMUSIM_EIO && option && strncmp(err->message, name, n) == 0 &&
	    strncmp(err->message + n, missing, sizeof(missing) - 1) == 0) {
		char msg[sizeof(err->message)];
		memcpy(msg, err->message, sizeof(msg));
		cli_set_error(err, rc, "%s %s", option, msg);
	}
	return rc;
}

int cli_build_machine(const struct cli *cli, mmusim_machine **out, mmusim_error *err)
{
	enum mmusim_priv priv = MMUSIM_USER;
	mmusim_config *cfg;
	mmusim_machine *m;
	int rc, maps = 0, gmaps = 0;

	if ((rc = cli_load_config(cli->config ? cli->config : CLI_DEFAULT_CONFIG, cli->config ? "--config" : NULL, &cfg, err)))
		return rc;
	rc = mmusim_machine_create(cfg, &m, err);
	mmusim_config_free(cfg);
	if (rc)
		return rc;
	for (int i = 0; i < cli->nr_setup; i++) {
		const struct setup_item *s = &cli->setup[i];
		rc = !s->is_map ? apply_setup_file(cli, m, s->text, &priv, err)
		   : s->stage2  ? apply_map(m, "gmap", s->text, ++gmaps, &priv, err)
				: apply_map(m, "map", s->text, ++maps, &priv, err);
		if (rc) {
			mmusim_machine_destroy(m);
			return rc;
		}
	}
	*out = m;
	return MMUSIM_OK;
}

/* Which of the config's roots a register option selects: 0 the (guest's) root, 1 the stage-2 root. */
static int register_role(const char *name, const mmusim_config *cfg, int *role, mmusim_error *err)
{
	const char *reg = mmusim_config_root_register(cfg), *s2 = mmusim_config_stage2_root_register(cfg);

	*role = s2 && strcmp(name, s2) == 0 ? 1 : 0;
	if (*role || strcmp(name, reg) == 0)
		return MMUSIM_OK;
	if (s2)
		return cli_set_error(err, MMUSIM_EINVAL, "--%s is not a register of %s: use --%s (the guest's) or --%s",
				     name, mmusim_config_name(cfg), reg, s2);
	return cli_set_error(err, MMUSIM_EINVAL, "--%s is not a register of %s: use --%s", name,
			     mmusim_config_arch(cfg), reg);
}

/*
 * Which tables of the image to use, as the options say: the root (a VM's
 * guest root) into opt->how/value, a VM's stage-2 root into
 * opt->stage2_how/stage2_value.
 */
static int image_roots_of(const struct cli *cli, const mmusim_config *cfg, mmusim_image_options *opt,
			  mmusim_error *err)
{
	const char *given[2] = { cli->root, cli->stage2_root }, *given_name[2] = { "--root", "--stage2-root" };
	enum mmusim_root_source *how[2] = { &opt->how, &opt->stage2_how };
	uint64_t *value[2] = { &opt->value, &opt->stage2_value };
	int rc;

	if (cli->stage2_root && !mmusim_config_stage2_root_register(cfg))
		return cli_set_error(err, MMUSIM_EINVAL, "--stage2-root: config %s has no stage2: block",
				     mmusim_config_name(cfg));
	for (int role = 0; role < 2; role++) {
		*how[role] = MMUSIM_ROOT_RECORDED;
		*value[role] = 0;
		if (given[role]) {
			*how[role] = MMUSIM_ROOT_PA;
			if ((rc = parse_u64(given[role], given_name[role], value[role], err)))
				return rc;
		}
	}
	for (unsigned i = 0; i < cli->nr_regs; i++) {
		int role;
		if ((rc = register_role(cli->reg_name[i], cfg, &role, err)))
			return rc;
		if (*how[role] == MMUSIM_ROOT_PA)
			return cli_set_error(err, MMUSIM_EINVAL, "give %s or --%s, not both", given_name[role], cli->reg_name[i]);
		if (*how[role] == MMUSIM_ROOT_REGISTER)
			return cli_set_error(err, MMUSIM_EINVAL, "--%s and --%s both select the %s root", cli->reg_name[0],
					     cli->reg_name[1], role ? "stage-2" : "same");
		*how[role] = MMUSIM_ROOT_REGISTER;
		if ((rc = parse_u64(cli->reg[i], cli->reg_name[i], value[role], err)))
			return rc;
	}
	return MMUSIM_OK;
}

/* --ttbr1 and --tcr: the upper root and TCR_EL1 of a format that has them. */
static int image_registers(const struct cli *cli, const mmusim_config *cfg, mmusim_image_options *opt,
			   mmusim_register_value *tcr, mmusim_error *err)
{
	const char *upper = mmusim_config_upper_root_register(cfg);
	const char *name;
	bool has_tcr = false;
	int rc;

	if (cli->upper_root_reg) {
		if (!upper)
			return cli_set_error(err, MMUSIM_EINVAL, "--ttbr1 is not a register of %s: its one root register is %s",
					     mmusim_config_arch(cfg), mmusim_config_root_register(cfg));
		opt->upper_how = MMUSIM_ROOT_REGISTER;
		if ((rc = parse_u64(cli->upper_root_reg, "ttbr1", &opt->upper_value, err)))
			return rc;
	}
	if (!cli->tcr)
		return MMUSIM_OK;
	for (unsigned i = 0; (name = mmusim_config_register(cfg, i, NULL)) != NULL; i++)
		has_tcr |= strcmp(name, "tcr") == 0;
	if (!has_tcr)
		return cli_set_error(err, MMUSIM_EINVAL, "--tcr is not a register of %s", mmusim_config_arch(cfg));
	*tcr = (mmusim_register_value){ .name = "tcr" };
	opt->regs = tcr;
	opt->nr_regs = 1;
	return parse_u64(cli->tcr, "tcr", &tcr->value, err);
}

/*
 * --image-base places a raw image; an ELF file's segments carry their own
 * addresses, and the base was ignored without a word.  EXIT_OK or an error.
 */
static int image_base_applies(const char *path, uint64_t base, mmusim_error *err)
{
	unsigned char magic[4] = { 0 };
	struct stat st;
	ssize_t n = 0;
	int fd;

	/* O_NONBLOCK: a FIFO must not be waited on (opening the image refuses it). */
	if (!base || (fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
		return MMUSIM_OK; /* opening the image reports what is wrong with it */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		n = read(fd, magic, sizeof(magic));
	close(fd);
	if (n == (ssize_t)sizeof(magic) && memcmp(magic, "\x7f" "ELF", 4) == 0)
		return cli_set_error(err, MMUSIM_EINVAL, "%s: an ELF file places its memory itself: --image-base 0x%llx "
				     "applies to a raw image", path, (unsigned long long)base);
	return MMUSIM_OK;
}

static int open_image(const struct cli *cli, mmusim_machine **out, mmusim_error *err)
{
	mmusim_image_options opt = { 0 };
	mmusim_register_value tcr;
	mmusim_config *cfg;
	int rc;

	if (cli->nr_setup)
		return cli_set_error(err, MMUSIM_EINVAL, "--setup and --map build page tables; an --image has its own");
	if ((rc = cli_image_config(cli, &cfg, err)))
		return rc;
	if (!(cli->image_base && (rc = parse_u64(cli->image_base, "--image-base", &opt.raw_base, err))) &&
	    !(rc = image_base_applies(cli->image, opt.raw_base, err)) && !(rc = image_roots_of(cli, cfg, &opt, err)) &&
	    !(rc = image_registers(cli, cfg, &opt, &tcr, err))) {
		rc = mmusim_machine_open_image_opts(cfg, cli->image, &opt, out, err);
		/* Name the options that choose a root, not the API's arguments. */
		if (rc == MMUSIM_EINVAL && strncmp(err->message, "no root recorded in the image", 29) == 0) {
			const char *reg = mmusim_config_root_register(cfg);
			if (cli_root_register_has_option(reg))
				cli_set_error(err, MMUSIM_EINVAL, "%s: no root recorded in the image: give --root or --%s",
					      cli->image, reg);
			else
				cli_set_error(err, MMUSIM_EINVAL,
					      "%s: no root recorded in the image: give --root (the root table's PA, %s's value)",
					      cli->image, reg);
		}
		else if (rc == MMUSIM_EINVAL && strncmp(err->message, "no ttbr1 recorded in the image", 30) == 0)
			cli_set_error(err, MMUSIM_EINVAL, "%s: no ttbr1 recorded in the image: give --ttbr1", cli->image);
		else if (rc == MMUSIM_EINVAL && mmusim_config_stage2_root_register(cfg) &&
			 strstr(err->message, "recorded in the image: give the stage-2 root"))
			cli_set_error(err, MMUSIM_EINVAL, "%s: no %s recorded in the image: give --stage2-root or --%s",
				      cli->image, mmusim_config_stage2_root_register(cfg),
				      mmusim_config_stage2_root_register(cfg));
	}
	mmusim_config_free(cfg);
	return rc;
}

int cli_open_machine(const struct cli *cli, mmusim_machine **out, mmusim_error *err)
{
	*out = NULL;
	if (cli->image)
		return open_image(cli, out, err);
	if (cli->root || cli->stage2_root || cli->nr_regs || cli->upper_root_reg || cli->tcr || cli->image_base)
		return cli_set_error(err, MMUSIM_EINVAL,
				     "--root, --stage2-root, the root registers (--cr3, --satp, ...), --ttbr1, --tcr and "
				     "--image-base need --image FILE");
	return cli_build_machine(cli, out, err);
}

int cli_mmu_create(mmusim_machine *m, const mmusim_mmu_options *opt, uint64_t warmup, mmusim_mmu **out,
		   mmusim_error *err)
{
	int rc = mmusim_mmu_create(m, opt, out, err);

	if (rc == MMUSIM_OK)
		mmusim_mmu_warmup(*out, warmup);
	return rc;
}

int cli_read_future(const struct cli *cli, mmusim_mmu *mmu, const char *trace, enum mmusim_trace_format format,
		    const char *command, mmusim_error *err)
{
	mmusim_trace *t;
	struct stat st;
	int rc;

	if (!mmusim_mmu_needs_future(mmu))
		return MMUSIM_OK;
	if (strcmp(trace, "-") == 0)
		return cli_set_error(err, MMUSIM_EINVAL,
				     "%s: replacement opt reads the whole trace before the replay: give a file, not stdin",
				     command);
	/* The replay opens it again: a FIFO (<(zcat t.gz)) would then wait for a writer for ever. */
	if (stat(trace, &st) == 0 && !S_ISREG(st.st_mode))
		return cli_set_error(err, MMUSIM_EINVAL,
				     "%s: replacement opt reads the whole trace before the replay: %s is a pipe or a "
				     "device, which can be read once: give a regular file",
				     command, trace);
	if ((rc = cli_trace_open(cli, trace, format, &t, err)))
		return rc;
	rc = mmusim_mmu_read_future(mmu, t, err);
	mmusim_trace_close(t);
	return rc;
}

int cli_demand_page_size(const mmusim_config *cfg, mmusim_mmu_options *opt, mmusim_error *err)
{
	if (opt->demand_page_size == 1)
		opt->demand_page_size = mmusim_config_page_size(cfg);
	if (!opt->demand_page_size)
		return MMUSIM_OK;
	/* Either half may be the deeper (AArch64 T0SZ != T1SZ); leaf_size is 0 where no leaf fits. */
	for (unsigned level = 1; level <= deepest_half_levels(cfg); level++)
		if (mmusim_config_leaf_size(cfg, level) == opt->demand_page_size)
			return MMUSIM_OK;
	return cli_set_error(err, MMUSIM_EINVAL, "--demand-paging size %llu is not a page size of %s",
			 (unsigned long long)opt->demand_page_size, mmusim_config_name(cfg));
}

int cli_translate_vas(const struct cli *cli, mmusim_request req, const char *const *vas, int n,
		      cli_translation_printer *print, void *ctx)
{
	mmusim_error err = { 0 };
	mmusim_machine *m;
	int rc;

	if ((rc = cli_check_vas(vas, n)) != EXIT_OK)
		return rc;
	if (cli_open_machine(cli, &m, &err))
		return cli_fail(&err);
	rc = cli_check_request(mmusim_machine_config(m), &req, &err);
	for (int i = 0; i < n && !rc; i++) {
		cli_parse_va(vas[i], &req.va, &err);
		rc = cli_check_va_fits(mmusim_machine_config(m), vas[i], req.va, &err);
	}
	if (rc) {
		mmusim_machine_destroy(m);
		return cli_fail(&err);
	}
	mmusim_nested_translation *vm = mmusim_machine_is_vm(m) ? malloc(sizeof(*vm)) : NULL;
	if (mmusim_machine_is_vm(m) && !vm) {
		mmusim_machine_destroy(m);
		return cli_fail(&(mmusim_error){ MMUSIM_ENOMEM, "out of memory" });
	}
	for (int i = 0; i < n; i++) {
		mmusim_translation res;
		cli_parse_va(vas[i], &req.va, &err);
		if (vm) {
			mmusim_translate_nested(m, &req, vm);
			print(ctx, m, i, &req, &vm->combined, vm);
		} else {
			mmusim_translate(m, &req, &res);
			print(ctx, m, i, &req, &res, NULL);
		}
	}
	free(vm);
	mmusim_machine_destroy(m);
	return EXIT_OK;
}
