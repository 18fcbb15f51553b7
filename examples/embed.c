/* Embeds mmusim: an x86-64 machine, two pages mapped, one hardware walk. */
#include <inttypes.h>
#include <stdio.h>

#include <mmusim.h>

int main(void)
{
	mmusim_error err;
	mmusim_config *cfg;
	mmusim_machine *m;

	if (mmusim_config_load("x86_64", &cfg, &err) || mmusim_machine_create(cfg, &m, &err) ||
	    mmusim_map(m, 0x400000, 0x200000, 0x2000, MMUSIM_PROP_R | MMUSIM_PROP_X | MMUSIM_PROP_U,
		       MMUSIM_CACHE_WB, &err)) {
		fprintf(stderr, "embed: %s\n", err.message);
		return 1;
	}
	mmusim_request req = { .va = 0x401234, .access = MMUSIM_READ, .priv = MMUSIM_USER };
	mmusim_translation t;
	mmusim_translate(m, &req, &t);
	if (t.ok)
		printf("0x%" PRIx64 " -> 0x%" PRIx64 " (%u PTE reads)\n", req.va, t.pa, t.nr_steps);
	else
		printf("0x%" PRIx64 ": fault %s\n", req.va, mmusim_fault_kind_name(t.fault_kind));
	mmusim_machine_destroy(m);
	mmusim_config_free(cfg);
	return 0;
}
