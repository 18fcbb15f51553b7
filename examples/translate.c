/*
 * `mmusim translate` written over the public API alone: the same arguments
 * (a subset: --config, --setup, --map, --access, --supervisor) and the same
 * one-line answers.  A ctest runs it beside the real command and compares.
 *
 *   mmusim-translate-example [--config NAME|FILE] [--setup TRACE] [--map 'VA PA LEN FLAGS']...
 *                            [--access r|w|x] [--supervisor] VA...
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <mmusim.h>

static void print_size(uint64_t bytes)
{
	const char *unit = "KMGTPE";
	unsigned u = 0;

	if (bytes % 1024) {
		printf("%" PRIu64 "-byte", bytes);
		return;
	}
	for (bytes >>= 10; bytes >= 1024 && bytes % 1024 == 0; bytes >>= 10)
		u++;
	printf("%" PRIu64 "%c", bytes, unit[u]);
}

static int fail(const mmusim_error *err)
{
	fprintf(stderr, "mmusim: %s\n", err->message);
	return 2;
}

int main(int argc, char **argv)
{
	const char *config = "x86_64";
	mmusim_request req = { .access = MMUSIM_READ, .priv = MMUSIM_USER };
	mmusim_config *cfg;
	mmusim_machine *m;
	mmusim_error err;
	int i = 1, maps = 0, rc = 0;

	for (; i + 1 < argc && strcmp(argv[i], "--config") == 0; i += 2)
		config = argv[i + 1];
	if (mmusim_config_load(config, &cfg, &err) || mmusim_machine_create(cfg, &m, &err))
		return fail(&err);
	for (; i < argc && strncmp(argv[i], "--", 2) == 0 && rc == 0; i++) {
		enum mmusim_priv setup_priv = MMUSIM_USER;
		char line[512];
		mmusim_event ev;
		mmusim_trace *t;

		if (strcmp(argv[i], "--supervisor") == 0) {
			req.priv = MMUSIM_SUPERVISOR;
		} else if (strcmp(argv[i], "--access") == 0 && i + 1 < argc) {
			req.access = argv[++i][0] == 'w' ? MMUSIM_WRITE : argv[i][0] == 'x' ? MMUSIM_EXEC : MMUSIM_READ;
		} else if (strcmp(argv[i], "--setup") == 0 && i + 1 < argc) {
			if (mmusim_trace_open(argv[++i], MMUSIM_TRACE_TEXT, &t, &err) || mmusim_apply_trace(m, t, &err))
				rc = fail(&err);
			mmusim_trace_close(t);
		} else if (strcmp(argv[i], "--map") == 0 && i + 1 < argc) {
			snprintf(line, sizeof(line), "map %s", argv[++i]);
			maps++;
			if (mmusim_parse_trace_line(line, &ev, &err) != 1 ||
			    mmusim_apply_event(m, &ev, &setup_priv, &err)) {
				fprintf(stderr, "mmusim: --map:%d: %s\n", maps, err.message);
				rc = 2;
			}
		}
	}
	for (; i < argc && rc == 0; i++) {
		mmusim_translation t;
		if (mmusim_parse_number(argv[i], false, &req.va, &err)) {
			rc = fail(&err);
			break;
		}
		mmusim_translate(m, &req, &t);
		printf("0x%" PRIx64 " %s %s: ", req.va, mmusim_access_name(req.access), mmusim_priv_name(req.priv));
		if (t.ok) {
			char perms[6];
			mmusim_perms_string(t.perms, perms);
			printf("pa 0x%" PRIx64 " (", t.pa);
			print_size(t.page_size);
			printf(" page, level %u) perms %s\n", t.level, perms);
		} else {
			char code[96], why[160];
			mmusim_fault_describe(cfg, &t, code, sizeof(code));
			/* The rule in words: the entry as its format names it (the PDE), a bad VA's bits. */
			mmusim_fault_reason_describe(cfg, req.va, &t, why, sizeof(why));
			/* A bad VA is refused before the walk: no entry was read. */
			if (t.fault_kind == MMUSIM_FAULT_NON_CANONICAL)
				printf("fault %s (no entry was read), %s: %s", mmusim_fault_kind_name(t.fault_kind), code, why);
			else
				printf("fault %s at level %u, %s: %s", mmusim_fault_kind_name(t.fault_kind), t.fault_level, code,
				       why);
			/* x86 rights combine over the levels: the entry that took the right away. */
			if (t.fault_kind == MMUSIM_FAULT_PERMISSION && t.refused_level)
				printf("; refused by the %s (L%u) at 0x%" PRIx64, mmusim_config_entry_name(cfg, t.refused_level),
				       t.refused_level, t.refused_pte_addr);
			putchar('\n');
		}
	}
	mmusim_machine_destroy(m);
	mmusim_config_free(cfg);
	return rc;
}
