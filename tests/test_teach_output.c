/*
 * test_teach_output: what the teaching commands say about a walk, end to end.
 *
 * Page tables that the OS side never builds (an upper-level entry that
 * refuses, a PDE with PS while CR4.PSE=0) are written by hand into a raw
 * physical-memory image and walked with --image.  Expected values come from
 * the specs:
 * - Intel SDM vol. 3 4.6: rights combine over every level; a user access needs
 *   U/S=1 in every entry, a write R/W=1 in every entry (user, or supervisor
 *   with CR0.WP=1), a fetch XD=0 in every entry (NXE=1); CR0.WP=0 lets
 *   supervisor writes ignore R/W; SMEP forbids supervisor fetches from user
 *   pages, SMAP supervisor data accesses to them unless EFLAGS.AC=1.
 *   4.7: the error code of a user read of a present page is P|U = 0x5.
 *   Tables 4-15..4-20: a 2 MiB PDE holds the frame in bits (M-1):21, a 1 GiB
 *   PDPTE in (M-1):30, a 4 KiB PTE or any pointer in (M-1):12, M = MAXPHYADDR.
 *   4.3: with CR4.PSE=0, PS in a PDE is ignored: the PDE points to a table.
 * - RISC-V privileged spec, Sv39: MXR=1 makes executable pages readable; SUM=1
 *   lets S-mode load/store U pages, never fetch from them; a megapage's PPN is
 *   PPN[2]:PPN[1] (PTE bits 53:19), PPN[0] being zero.
 */
#define _DEFAULT_SOURCE /* mkstemp */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

/* x86 entry bits (SDM table 4-19), written independently of the implementation. */
#define P (1ull << 0)
#define RW (1ull << 1)
#define US (1ull << 2)
#define PS (1ull << 7)
#define XD (1ull << 63)

/* A raw image of `size` bytes (zeros) with 8- or 4-byte little-endian PTEs at the given PAs. */
struct poke {
	uint64_t pa, value;
};

static char *write_image(size_t size, unsigned pte_size, const struct poke *pokes, size_t n)
{
	char *path = strdup("/tmp/mmusim-teach-XXXXXX");
	unsigned char *mem = calloc(1, size);
	int fd;

	cr_assert(path && mem);
	for (size_t i = 0; i < n; i++)
		for (unsigned b = 0; b < pte_size; b++)
			mem[pokes[i].pa + b] = (unsigned char)(pokes[i].value >> (8 * b));
	fd = mkstemp(path);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, mem, size), (ssize_t)size);
	close(fd);
	free(mem);
	return path;
}

/*
 * x86-64: VA 0x123 has index 0 at every level.  Root 0x1000, PDPT 0x2000,
 * PD 0x3000, PT 0x4000, page 0x5000.  Each entry's rights bits are given.
 */
static char *x86_image(uint64_t pml4e, uint64_t pdpte, uint64_t pde, uint64_t pte)
{
	const struct poke pokes[] = {
		{ 0x1000, 0x2000 | pml4e }, { 0x2000, 0x3000 | pdpte }, { 0x3000, 0x4000 | pde }, { 0x4000, 0x5000 | pte },
	};
	return write_image(0x6000, 8, pokes, 4);
}

static void expect_out(struct run_result *r, const char *out)
{
	cr_expect_eq(r->status, 0, "exit %d, stderr: %s", r->status, r->err);
	cr_expect_str_eq(r->out, out);
	cr_expect_str_eq(r->err, "");
}

/* ---- the entry that refused: named, its level and address, in JSON and text ---- */

Test(teach_output, pml4e_us_zero_refuses_a_user_read_json)
{
	char *img = x86_image(P | RW, P | RW | US, P | RW | US, P | RW | US);
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--json", "translate", "--image", img, "--root", "0x1000", "0x123", NULL), 0);
	/* The fault level stays the leaf's (where the walk stopped); refused_by names the PML4E. */
	expect_out(&r, "{\"va\":\"0x123\",\"access\":\"r\",\"priv\":\"user\",\"fault\":{\"kind\":\"permission\","
		       "\"level\":1,\"code\":\"0x5\",\"refused_by\":{\"level\":4,\"pte_addr\":\"0x1000\"}}}\n");
	run_result_free(&r);
	remove_temp_file(img);
}

Test(teach_output, pml4e_us_zero_refuses_a_user_read_text)
{
	char *img = x86_image(P | RW, P | RW | US, P | RW | US, P | RW | US);
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "translate", "--image", img, "--root", "0x1000", "0x123", NULL), 0);
	expect_out(&r, "0x123 r user: fault permission at level 1, #PF error code 0x5 (P U): user-mode access, "
		       "but U/S=0 in an entry of the walk; refused by the PML4E (L4) at 0x1000\n");
	run_result_free(&r);
	remove_temp_file(img);
}

/* explain (and translate --explain, the same text) quotes the refusing entry, not the leaf. */
Test(teach_output, explain_quotes_the_refusing_entry)
{
	char *img = x86_image(P | RW, P | RW | US, P | RW | US, P | RW | US);
	const char *quote = "  refused by the PML4E (L4) at 0x1000: 0x0000000000002003 = P RW addr=0x2000\n";
	struct run_result r, t;

	cr_assert_eq(run_mmusim(&r, "explain", "--image", img, "--root", "0x1000", "0x123", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, quote), "%s", r.out);
	cr_expect(!strstr(r.out, "some level"), "%s", r.out);
	cr_expect(!strstr(r.out, "the bits: the PTE (L1)"), "the leaf allows the access: %s", r.out);
	cr_assert_eq(run_mmusim(&t, "translate", "--explain", "--image", img, "--root", "0x1000", "0x123", NULL), 0);
	cr_expect_str_eq(t.out, r.out, "one explainer for explain and translate --explain");
	run_result_free(&r);
	run_result_free(&t);
	remove_temp_file(img);
}

/* Rights combine over the levels: the highest entry whose bit is clear is the one named. */
Test(teach_output, the_highest_refusing_level_is_named)
{
	char *us = x86_image(P | RW | US, P | RW, P | RW, P | RW | US);
	char *rw = x86_image(P | RW | US, P | US, P | RW | US, P | RW | US);
	char *xd = x86_image(P | RW | US, P | RW | US, P | RW | US | XD, P | RW | US);
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--json", "translate", "--image", us, "--root", "0x1000", "0x123", NULL), 0);
	cr_expect(strstr(r.out, "\"refused_by\":{\"level\":3,\"pte_addr\":\"0x2000\"}"), "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--json", "translate", "--access", "w", "--image", rw, "--root", "0x1000", "0x123",
				NULL), 0);
	cr_expect(strstr(r.out, "\"code\":\"0x7\",\"refused_by\":{\"level\":3,\"pte_addr\":\"0x2000\"}"), "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--json", "translate", "--access", "x", "--image", xd, "--root", "0x1000", "0x123",
				NULL), 0);
	cr_expect(strstr(r.out, "\"code\":\"0x15\",\"refused_by\":{\"level\":2,\"pte_addr\":\"0x3000\"}"), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(us);
	remove_temp_file(rw);
	remove_temp_file(xd);
}

/* A fault of the leaf itself names the leaf. */
Test(teach_output, a_leaf_that_refuses_is_named)
{
	char *img = x86_image(P | RW | US, P | RW | US, P | RW | US, P | US);
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "translate", "--access", "w", "--image", img, "--root", "0x1000", "0x123", NULL), 0);
	expect_out(&r, "0x123 w user: fault permission at level 1, #PF error code 0x7 (P W U): write, but R/W=0 "
		       "in an entry of the walk (user mode, or supervisor with CR0.WP=1); refused by the PTE (L1) at "
		       "0x4000\n");
	run_result_free(&r);
	remove_temp_file(img);
}

/* ---- perms: what the hardware allows this privilege with these control bits ---- */

/* One translate --json: the perms a privilege gets on a page under some control bits. */
struct perms_case {
	char config[64];
	char map[40];
	char priv[16];
	char access[2];
	bool ac;
	char perms[6];
};

static struct perms_case perms_cases[] = {
	/* SDM 4.6.1: CR0.WP=0 lets supervisor writes ignore R/W; WP does not concern user mode. */
	{ "extends: x86_64\ncpu: { wp: false }\n", "0x400000 0x5000000 4K r", "--supervisor", "r", false, "rw---" },
	{ "extends: x86_64\ncpu: { wp: true }\n", "0x400000 0x5000000 4K r", "--supervisor", "r", false, "r----" },
	{ "extends: x86_64\ncpu: { wp: false }\n", "0x400000 0x5000000 4K ru", "--user", "r", false, "r--u-" },
	/* SMEP: no supervisor fetch from a user page; user mode unaffected. */
	{ "extends: x86_64\ncpu: { smep: true }\n", "0x400000 0x5000000 4K rwxu", "--supervisor", "r", false, "rw-u-" },
	{ "extends: x86_64\ncpu: { smep: false }\n", "0x400000 0x5000000 4K rwxu", "--supervisor", "r", false, "rwxu-" },
	{ "extends: x86_64\ncpu: { smep: true }\n", "0x400000 0x5000000 4K rwxu", "--user", "r", false, "rwxu-" },
	/* SMAP: no supervisor data access to a user page unless EFLAGS.AC=1. */
	{ "extends: x86_64\ncpu: { smap: true }\n", "0x400000 0x5000000 4K rwxu", "--supervisor", "x", false, "--xu-" },
	{ "extends: x86_64\ncpu: { smap: true }\n", "0x400000 0x5000000 4K rwxu", "--supervisor", "x", true, "rwxu-" },
	/* RISC-V: MXR makes executable pages readable. */
	{ "extends: sv39\ncpu: { mxr: true }\n", "0x400000 0x85000000 4K xu", "--user", "x", false, "r-xu-" },
	{ "extends: sv39\ncpu: { mxr: false }\n", "0x400000 0x85000000 4K xu", "--user", "x", false, "--xu-" },
	/* SUM lets S-mode load and store U pages, never fetch from them. */
	{ "extends: sv39\ncpu: { sum: true }\n", "0x400000 0x85000000 4K rwxu", "--supervisor", "r", false, "rw-u-" },
	{ "extends: sv39\ncpu: { sum: true }\n", "0x400000 0x85000000 4K rwxu", "--user", "r", false, "rwxu-" },
};

ParameterizedTestParameters(teach_output, effective_perms)
{
	return cr_make_param_array(struct perms_case, perms_cases, sizeof(perms_cases) / sizeof(perms_cases[0]));
}

ParameterizedTest(struct perms_case *c, teach_output, effective_perms)
{
	char *cfg = write_temp_file(c->config, ".yaml");
	const char *argv[] = { "--config", cfg, "--json", "translate", "--map", c->map, c->priv, "--access", c->access,
			       "0x400000", c->ac ? "--ac" : NULL };
	struct run_result r;
	char want[64];

	cr_assert_eq(run_mmusim_argv(&r, c->ac ? 11 : 10, argv), 0);
	snprintf(want, sizeof(want), "\"perms\":\"%s\"", c->perms);
	cr_expect(strstr(r.out, want), "%s %s %s: want %s, got %s%s", c->config, c->map, c->priv, want, r.out, r.err);
	run_result_free(&r);
	remove_temp_file(cfg);
}

/* mappings has no privilege: it keeps the entries' rights combined over the levels. */
Test(teach_output, mappings_keep_the_entries_rights)
{
	char *cfg = write_temp_file("extends: x86_64\ncpu: { wp: false, smep: true }\n", ".yaml");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "mappings", "--map", "0x400000 0x5000000 4K rxu", NULL), 0);
	expect_out(&r, "0x400000 0x401000 0x5000000 r-xu-\n");
	run_result_free(&r);
	remove_temp_file(cfg);
}

/* ---- the address field of a leaf, from the SDM tables and the Sv39 PTE format ---- */

static void expect_addr_field(const char *config, const char *map, const char *va, const char *line)
{
	char *cfg = write_temp_file(config, ".yaml");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "explain", "--map", map, va, NULL), 0);
	cr_expect(strstr(r.out, line), "%s: want '%s' in\n%s%s", config, line, r.out, r.err);
	run_result_free(&r);
	remove_temp_file(cfg);
}

Test(teach_output, address_field_of_large_leaves_and_maxphyaddr)
{
	expect_addr_field("extends: x86_64\n", "0x40000000 0x80000000 2M rwu", "0x40000000",
			  "      addr   bits 51:21 = 0x80000000\n");
	expect_addr_field("extends: x86_64\n", "0x40000000 0x80000000 1G rwu", "0x40000000",
			  "      addr   bits 51:30 = 0x80000000\n");
	expect_addr_field("extends: x86_64\nphys_addr_width: 40\n", "0x40000000 0x80000000 4K rwu", "0x40000000",
			  "      addr   bits 39:12 = 0x80000000\n");
	expect_addr_field("extends: x86_64\nphys_addr_width: 40\n", "0x40000000 0x80000000 2M rwu", "0x40000000",
			  "      addr   bits 39:21 = 0x80000000\n");
	expect_addr_field("extends: sv39\n", "0x40000000 0x80200000 2M rwu", "0x40000000",
			  /* PPN[2:1] = 0x80200000 >> 21 = 0x401 in PTE bits 53:19, PA bits 55:21 */
			  "      addr   bits 53:19 = 0x401 -> PA bits 55:21, so 0x80200000\n");
}

/* ---- one size formatter: a sub-KiB page is "64-byte", as explain says ---- */

Test(teach_output, sub_kib_pages_are_n_byte_pages)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "toy", "translate", "--map", "0x40 0x1240 64 rwu", "0x45", NULL), 0);
	expect_out(&r, "0x45 r user: pa 0x1245 (64-byte page, level 1) perms rw-u-\n");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "toy", "show", "--dot", "--map", "0x40 0x1240 64 rwu", NULL), 0);
	cr_expect(strstr(r.out, "label=\"64-byte page\\npa 0x1240\""), "%s", r.out);
	run_result_free(&r);
}

/* ---- a non-canonical VA: no entry was read ---- */

Test(teach_output, non_canonical_reads_no_entry)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "translate", "0x800000000000", NULL), 0);
	expect_out(&r, "0x800000000000 r user: fault non-canonical (no entry was read), #GP(0): the VA is not "
		       "canonical: bits 63:48 are not all copies of bit 47\n");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "explain", "0x800000000000", NULL), 0);
	cr_expect(strstr(r.out, "fault non-canonical (no entry was read): the VA is not canonical: bits 63:48 are "
				"not all copies of bit 47\n"), "%s", r.out);
	cr_expect(!strstr(r.out, "at level"), "%s", r.out);
	run_result_free(&r);
}

/*
 * translate --json --explain's "reason" is the text's: a non-canonical VA's
 * rule names the bits of this config (x86-64 4-level: 63:48 copies of bit 47,
 * SDM vol. 3 3.3.7.1; Sv39: 63:39 copies of bit 38, privileged spec 4.4.1;
 * AArch64: neither TTBR's range; the toy: the VA does not fit).  It said a
 * generic "the bits above the VA width are not copies of its top bit (zeros
 * where the format has no sign extension)" for all of them.
 */
Test(teach_output, non_canonical_json_reason_is_the_texts)
{
	static const struct {
		const char *config, *va, *reason;
	} cases[] = {
		{ "x86_64", "0x800000000000", "\"reason\":\"the VA is not canonical: bits 63:48 are not all copies of bit 47\"" },
		{ "sv39", "0x4000000000", "\"reason\":\"the VA is not canonical: bits 63:39 are not all copies of bit 38\"" },
		{ "aarch64", "0x100000000000000",
		  "\"reason\":\"the VA is in neither TTBR0's nor TTBR1's range: bits 63:48 (55:48 when the top byte is "
		  "ignored) are not all equal to bit 55\"" },
		{ "toy", "0x10000", "\"reason\":\"the VA does not fit 16 bits: bits 63:16 are not all 0\"" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run_result r;

		cr_assert_eq(run_mmusim(&r, "--config", cases[i].config, "--json", "translate", "--explain", cases[i].va,
					NULL),
			     0);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, cases[i].reason) != NULL, "%s: no %s in:\n%s", cases[i].config, cases[i].reason,
			  r.out);
		run_result_free(&r);
	}
}

/*
 * A not-present fault above the leaf names the entry as the format does: x86
 * calls only a level-1 entry a PTE (SDM vol. 3 4.5: PML5E, PML4E, PDPTE, PDE,
 * PTE), Arm its descriptors by lookup level; RISC-V's entries are all PTEs.
 * translate, its JSON reason and explain said "the PTE is not present" of a
 * PDPTE, while the next line quoted "the PDPTE (L3)".
 */
Test(teach_output, not_present_names_the_upper_entry)
{
	static const struct {
		const char *config, *trace_line, *reason;
	} cases[] = {
		{ "x86_64", "pte 0x400000 3 p=0", "the PDPTE is not present (P/V bit clear)" },
		{ "x86_64_la57", "pte 0x400000 5 p=0", "the PML5E is not present (P/V bit clear)" },
		{ "x86_64", "pte 0x400000 1 p=0", "the PTE is not present (P/V bit clear)" },
		{ "x86_32", "pte 0x400000 2 p=0", "the PDE is not present (P/V bit clear)" },
		{ "sv39", "pte 0x400000 2 v=0", "the PTE is not present (P/V bit clear)" },
		{ "aarch64", "pte 0x400000 3 valid=0", "the L1 descriptor is invalid (bit 0 clear)" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char trace[128], want[160];
		struct run_result r;

		snprintf(trace, sizeof(trace), "map 0x400000 %s 4K rwu\n%s\n",
			 strncmp(cases[i].config, "x86", 3) ? "0x80200000" : "0x200000", cases[i].trace_line);
		char *path = write_temp_file(trace, ".trace");

		cr_assert_eq(run_mmusim(&r, "--config", cases[i].config, "translate", "--setup", path, "0x400000", NULL), 0);
		snprintf(want, sizeof(want), ": %s\n", cases[i].reason);
		cr_expect(r.status == 0 && strstr(r.out, want), "%s: no '%s' in %s%s", cases[i].config, want, r.out, r.err);
		run_result_free(&r);
		cr_assert_eq(run_mmusim(&r, "--config", cases[i].config, "--json", "translate", "--explain", "--setup", path,
					"0x400000", NULL),
			     0);
		snprintf(want, sizeof(want), "\"reason\":\"%s\"", cases[i].reason);
		cr_expect(strstr(r.out, want), "%s: no %s in %s", cases[i].config, want, r.out);
		run_result_free(&r);
		cr_assert_eq(run_mmusim(&r, "--config", cases[i].config, "explain", "--setup", path, "0x400000", NULL), 0);
		snprintf(want, sizeof(want), ": %s\n  the bits: the ", cases[i].reason);
		cr_expect(strstr(r.out, want), "%s: no '%s' in %s", cases[i].config, want, r.out);
		run_result_free(&r);
		remove_temp_file(path);
	}
}

/*
 * SDM vol. 3 4.8: x86 sets A in every paging-structure entry it uses, also
 * on a walk that then faults below; explain's walk does so (a second walk
 * reads 0x...27), and now says it, as a good walk's last line does.  The
 * second walk finds A set already and says nothing; RISC-V sets A in leaves
 * only, after the checks, so a refused store sets nothing.
 */
Test(teach_output, a_faulting_walk_says_where_it_set_a)
{
	const char *line = "  raised as #PF error code 0x7 (P W U)\n"
			   "  the walk set A in the PML4E (L4), the PDPTE (L3) and the PDE (L2) before it faulted\n";
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "explain", "--map", "0x400000 0x200000 4K ru", "--access", "w", "0x400000",
				"0x400008", NULL),
		     0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	const char *first = strstr(r.out, line);
	cr_expect(first != NULL, "%s", r.out);
	cr_expect(first && !strstr(first + strlen(line), "the walk set"), "the second walk set nothing: %s", r.out);
	cr_expect(strstr(r.out, "      raw    0x0000000000002027\n") != NULL, "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "explain", "--map", "0x400000 0x80200000 4K ru", "--access", "w",
				"0x400000", NULL),
		     0);
	cr_expect(strstr(r.out, "raised as scause 15 (store/AMO page fault)\n") && !strstr(r.out, "the walk set"),
		  "%s", r.out);
	run_result_free(&r);
}

/* ---- one wording: V=0 / P=0 is "not-present" in every format ---- */

Test(teach_output, not_present_is_one_word)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "explain", "0x1000", NULL), 0);
	cr_expect(strstr(r.out, "= not-present ppn=0x0"), "%s", r.out);
	cr_expect(!strstr(r.out, "invalid"), "%s", r.out);
	run_result_free(&r);
}

/* ---- x86_32 with CR4.PSE=0: PS in a PDE is ignored (SDM 4.3) ---- */

/*
 * PDE 0 = 0x2087 (P RW US PS, frame 0x2000): with PSE=0 a pointer to the page
 * table at 0x2000, whose PTE 0 maps 0x5000.  Read as a 4 MiB PDE it would map
 * PA 0x100000000 (bit 13 standing for PA bit 32): nothing may read it so.
 */
static const char nopse_yaml[] = "extends: x86_32\nname: nopse\nhighest_translation_level: 1\ncpu: { pse: false }\n"
				 "tlb:\n  - { name: l1, level: 1, kind: unified, entries: 16, ways: 4, page_sizes: [4K] }\n";

static char *nopse_image(void)
{
	const struct poke pokes[] = { { 0x1000, 0x2000 | P | RW | US | PS }, { 0x2000, 0x5000 | P | RW | US } };
	return write_image(0x3000, 4, pokes, 2);
}

Test(teach_output, pse_off_mappings_follow_the_pde_to_its_table)
{
	char *cfg = write_temp_file(nopse_yaml, ".yaml");
	char *img = nopse_image();
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "mappings", "--image", img, "--root", "0x1000", NULL), 0);
	expect_out(&r, "0x0 0x1000 0x5000 rwxu-\n");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "translate", "--image", img, "--root", "0x1000", "0x123", NULL), 0);
	expect_out(&r, "0x123 r user: pa 0x5123 (4K page, level 1) perms rwxu-\n");
	run_result_free(&r);
	remove_temp_file(cfg);
	remove_temp_file(img);
}

Test(teach_output, pse_off_show_draws_the_pde_as_a_pointer)
{
	char *cfg = write_temp_file(nopse_yaml, ".yaml");
	char *img = nopse_image();
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "show", "--image", img, "--root", "0x1000", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "L2[0] 0x00002087 P RW US PS(ignored: CR4.PSE=0) addr=0x2000 -> L1 table 0x2000"),
		  "%s", r.out);
	cr_expect(strstr(r.out, "L1[0] 0x00005007 P RW US addr=0x5000 -> 4K page, va 0x0 -> pa 0x5000"), "%s", r.out);
	cr_expect(!strstr(r.out, "4M"), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(cfg);
	remove_temp_file(img);
}

/*
 * RISC-V (privileged spec, Sv39 step 4 and "for non-leaf PTEs, the D, A, and
 * U bits are reserved"): U set in a pointer is not a rights check but a
 * reserved encoding, a page fault at that level; the entry quoted is that
 * pointer.  Image at 0x80000000: root 0x80001000 -> 0x80002000 -> 0x80003000.
 */
Test(teach_output, riscv_u_in_a_pointer_faults_at_its_level)
{
	const uint64_t V = 1, R = 2, W = 4, U = 16, A = 64, D = 128;
	const struct poke pokes[] = {
		{ 0x1000, (0x80002ull << 10) | V | U }, { 0x2000, (0x80003ull << 10) | V },
		{ 0x3000, (0x80005ull << 10) | V | R | W | U | A | D },
	};
	char *img = write_image(0x4000, 8, pokes, 3);
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "sv39", "explain", "--image", img, "--image-base", "0x80000000",
				"--root", "0x80001000", "0x123", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "fault reserved-bit at level 3: U is set in a non-leaf PTE, where D, A, U, N and PBMT are reserved "
				"for future standard use\n"
				"  the bits: the PTE (L3) at 0x80001000: 0x0000000020000811 = V U ppn=0x80002\n"
				"  raised as scause 13 (load page fault)\n"), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(img);
}
