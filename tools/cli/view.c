/*
 * view: the address space translate and mappings look at — either the
 * machine built from the config and --setup / --map, or page tables that
 * already exist in a physical-memory image (--image), selected by --root,
 * by a register value (--cr3 / --satp, decoded by the architecture), or by
 * the root an mmusim dump recorded in its note.
 */
#include "cli.h"

#include <string.h>

#include "pt/pt_arch.h"
#include "sim/number.h"

static int parse_u64(const char *s, const char *what, uint64_t *out, struct mm_error *err)
{
	if (number_parse(s, false, out) != NUMBER_OK)
		return mm_error_set(err, MM_EINVAL, "bad %s '%s' (expected decimal or 0x-hex)", what, s);
	return MM_OK;
}

/* The root the options (or the image's note) name. */
static int image_root_of(const struct cli *cli, struct view *v, struct mm_error *err)
{
	const struct pt_arch *arch = v->cfg.arch;
	char name[16];
	uint64_t reg;
	uint16_t asid;
	int rc;

	if (cli->root && cli->root_reg)
		return mm_error_set(err, MM_EINVAL, "give --root or --%s, not both", cli->root_reg_name);
	if (cli->root)
		return parse_u64(cli->root, "--root", &v->root, err);
	if (cli->root_reg) {
		if (strcmp(cli->root_reg_name, arch->root_register) != 0)
			return mm_error_set(err, MM_EINVAL, "--%s is not a register of %s: use --%s",
					    cli->root_reg_name, arch->name, arch->root_register);
		if ((rc = parse_u64(cli->root_reg, cli->root_reg_name, &reg, err)))
			return rc;
		return arch->decode_root_reg(&v->cfg.pc, reg, &v->root, &asid, err);
	}
	if (image_nr_roots(v->img) && image_root(v->img, 0, name, &v->root, &reg) == MM_OK)
		return MM_OK;
	return mm_error_set(err, MM_EINVAL, "%s: no root recorded in the image: give --root, --cr3 or --satp",
			    cli->image);
}

int cli_open_view(const struct cli *cli, struct view *v, struct mm_error *err)
{
	uint64_t base = 0;
	int rc;

	memset(v, 0, sizeof(*v));
	if (!cli->image) {
		if (cli->root || cli->root_reg || cli->image_base)
			return mm_error_set(err, MM_EINVAL, "--root, --cr3, --satp and --image-base need --image FILE");
		if ((rc = cli_build_machine(cli, &v->m, err)))
			return rc;
		v->cfg = v->m->cfg;
		v->walker = v->m->walker;
		v->root = machine_root(v->m);
		v->pt = v->m->user;
		return MM_OK;
	}
	if (cli->nr_setup)
		return mm_error_set(err, MM_EINVAL, "--setup and --map build page tables; an --image has its own");
	if ((rc = config_load(cli->config ? cli->config : "x86_64", &v->cfg, err)))
		return rc;
	if (cli->image_base && (rc = parse_u64(cli->image_base, "--image-base", &base, err)))
		return rc;
	if ((rc = image_open(cli->image, IMAGE_AUTO, base, &v->img, err)))
		return rc;
	v->img_mem = image_pt_mem(v->img);
	v->walker = (struct walker){ .arch = v->cfg.arch, .pc = &v->cfg.pc, .ctl = &v->cfg.cpu, .mem = &v->img_mem };
	if ((rc = image_root_of(cli, v, err))) {
		cli_close_view(v);
		return rc;
	}
	struct pt_env env = { .arch = v->cfg.arch, .pc = &v->cfg.pc, .ctl = &v->cfg.cpu, .mem = &v->img_mem };
	if ((rc = pt_attach(&env, v->root, &v->attached, err))) {
		cli_close_view(v);
		return rc;
	}
	v->pt = v->attached;
	return MM_OK;
}

void cli_close_view(struct view *v)
{
	pt_destroy(v->attached);
	image_close(v->img);
	machine_destroy(v->m);
	memset(v, 0, sizeof(*v));
}
