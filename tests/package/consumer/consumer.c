/*
 * Built against an installed mmusim: checks that the header and the library
 * agree on the version, loads the config file given (an installed preset) and
 * walks a VA.  Prints "ok ARCH PA" and exits 0, or says what is wrong.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <mmusim.h>

int main(int argc, char **argv)
{
	mmusim_error err;
	mmusim_config *cfg;
	mmusim_machine *m;
	mmusim_translation t;
	uint64_t va, pa;

	if (argc != 2) {
		fprintf(stderr, "usage: consumer CONFIG\n");
		return 2;
	}
	if (mmusim_version_number() != MMUSIM_VERSION_NUMBER) {
		fprintf(stderr, "consumer: header %d.%d.%d, library %s\n", MMUSIM_VERSION_MAJOR,
			MMUSIM_VERSION_MINOR, MMUSIM_VERSION_PATCH, mmusim_version());
		return 1;
	}
	if (mmusim_config_load(argv[1], &cfg, &err) || mmusim_machine_create(cfg, &m, &err)) {
		fprintf(stderr, "consumer: %s\n", err.message);
		return 1;
	}
	va = 0x400000;
	pa = mmusim_config_memory_base(cfg) + 0x200000;
	if (mmusim_map(m, va, pa, 4096, MMUSIM_PROP_R | MMUSIM_PROP_U, MMUSIM_CACHE_WB, &err)) {
		fprintf(stderr, "consumer: %s\n", err.message);
		return 1;
	}
	mmusim_translate(m, &(mmusim_request){ .va = va + 0x10 }, &t);
	printf("%s %s 0x%" PRIx64 "\n", t.ok && t.pa == pa + 0x10 ? "ok" : "wrong",
	       mmusim_config_arch(cfg), t.pa);
	mmusim_machine_destroy(m);
	mmusim_config_free(cfg);
	return t.ok && t.pa == pa + 0x10 ? 0 : 1;
}
