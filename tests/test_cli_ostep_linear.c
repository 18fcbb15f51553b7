/*
 * End to end: OSTEP's linear paging homework (paging-linear-translate.py,
 * chapter 18 "Paging: Introduction").  tests/data/ostep/linear-*.txt are what
 * the script printed, linear-*-answers.txt the same run with -c (see
 * tests/data/ostep/README.md): `--image` of the output alone builds the
 * machine, and `translate --ostep` must print the key's line for every VA,
 * word for word.  The small dumps written here are worked by hand.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define DATA MMUSIM_SOURCE_DIR "/tests/data/ostep/"

static void expect_run(struct run_result *r, int status, const char *out, const char *err)
{
	cr_expect_eq(r->status, status, "exit status %d, stderr: %s", r->status, r->err);
	if (out)
		cr_expect_str_eq(r->out, out);
	if (err)
		cr_expect_str_eq(r->err, err);
}

/*
 * Runs translate --ostep over every VA of the key `name`-answers.txt, on the
 * dump name.txt (without -c), and compares with the key's lines.  Returns how
 * many VAs there were and how many the key says are invalid.
 */
static int check_key(const char *name, int *invalid)
{
	char path[4096], key_path[4096];
	const char *argv[1100];
	char vas[1100][16];
	int argc = 0, n = 0;

	snprintf(path, sizeof(path), DATA "linear-%s.txt", name);
	snprintf(key_path, sizeof(key_path), DATA "linear-%s-answers.txt", name);
	char *key = read_text_file(key_path), *lines = calloc(strlen(key) + 1, 1), *p = key;
	cr_assert(key && lines);
	argv[argc++] = "--image";
	argv[argc++] = path;
	argv[argc++] = "translate";
	argv[argc++] = "--ostep";
	*invalid = 0;
	while ((p = strstr(p, "\n  VA 0x")) && n < 1000) {
		char *end = strchr(p + 1, '\n');
		unsigned va;
		cr_assert(end);
		cr_assert_eq(sscanf(p + 1, "  VA 0x%x", &va), 1);
		snprintf(vas[n], sizeof(vas[n]), "0x%x", va);
		argv[argc++] = vas[n++];
		strncat(lines, p + 1, (size_t)(end - p));
		*invalid += strstr(p, "Invalid") && strstr(p, "Invalid") < end;
		p = end;
	}
	struct run_result r;
	cr_assert_eq(run_mmusim_argv(&r, argc, argv), 0);
	expect_run(&r, 0, lines, "");
	run_result_free(&r);
	free(lines);
	free(key);
	return n;
}

Test(ostep_linear, default_sizes_key_word_for_word)
{
	int invalid;

	/* -s 1: 16k / 4k = 4 entries, fewer than a 4k page holds; the key has 1 valid, 4 invalid. */
	cr_expect_eq(check_key("s1", &invalid), 5);
	cr_expect_eq(invalid, 4);
}

Test(ostep_linear, larger_space_key_word_for_word)
{
	int invalid;

	cr_expect_eq(check_key("s2", &invalid), 5);
	cr_expect(invalid > 0 && invalid < 5, "both outcomes: %d invalid of 5", invalid);
}

Test(ostep_linear, book_sizes_verbose_key_word_for_word)
{
	int invalid;

	/* The book's -P 1k -a 16k -p 32k -v: 16 entries, "[ N]" before each. */
	cr_expect_eq(check_key("book", &invalid), 5);
	cr_expect_eq(invalid, 2);
}

Test(ostep_linear, table_of_several_pages_key_word_for_word)
{
	int invalid;

	/* -a 1m -P 1k: 1024 entries of 4 bytes, four 1k pages' worth in one top level. */
	cr_expect_eq(check_key("wide", &invalid), 8);
	cr_expect_eq(invalid, 4);
}

/* A hand-made dump: 16k space, 4k pages, 64k memory; VPN 1 -> PFN 12, VPN 3 -> PFN 15. */
static const char small[] = "ARG seed 0\n"
			    "ARG address space size 16k\n"
			    "ARG phys mem size 64k\n"
			    "ARG page size 4k\n"
			    "\n"
			    "Page Table (from entry 0 down to the max size)\n"
			    "  0x00000000\n"
			    "  0x8000000c\n"
			    "  0x00000000\n"
			    "  0x8000000f\n"
			    "\n"
			    "Virtual Address Trace\n";

Test(ostep_linear, hand_worked_translate_explain_show)
{
	char *dump = write_temp_file(small, ".txt");
	struct run_result r;

	/* 0x1234: VPN 1, offset 0x234 -> 12 x 4096 + 0x234 = 0xc234; 0x3fff -> 0xffff; VPN 2 invalid. */
	cr_assert_eq(run_mmusim(&r, "--image", dump, "translate", "--ostep", "0x1234", "0x3fff", "0x2000", NULL), 0);
	expect_run(&r, 0,
		   "  VA 0x00001234 (decimal:     4660) --> 0000c234 (decimal    49716) [VPN 1]\n"
		   "  VA 0x00003fff (decimal:    16383) --> 0000ffff (decimal    65535) [VPN 3]\n"
		   "  VA 0x00002000 (decimal:     8192) -->  Invalid (VPN 2 not valid)\n",
		   "");
	run_result_free(&r);
	/* Outside the 14-bit space: the script never asks it. */
	cr_assert_eq(run_mmusim(&r, "--image", dump, "translate", "--ostep", "0x4000", NULL), 0);
	expect_run(&r, 0, "  VA 0x00004000 (decimal:    16384) -->  Invalid (the VA does not fit in 14 bits)\n", "");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--image", dump, "translate", "0x1234", NULL), 0);
	expect_run(&r, 0, "0x1234 r user: pa 0xc234 (4K page, level 1) perms rwxu-\n", "");
	run_result_free(&r);
	/* The table sits after the 64k of memory, at 0x10000. */
	cr_assert_eq(run_mmusim(&r, "--image", dump, "explain", "0x1234", NULL), 0);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "  L1  table 0x10000 + index 1 x 4 = PTE at 0x10004\n"), "%s", r.out);
	cr_expect(strstr(r.out, "  L1 index   13:12  0x1   0b01            = 1\n"), "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--image", dump, "show", NULL), 0);
	expect_run(&r, 0,
		   "root 0x10000 (ptbr 0x10000): ostep-linear, 1 level of 1024 4-byte entries (4 at the top level)\n"
		   "L1[1] 0x8000000c V frame=0xc -> 4K page, va 0x1000 -> pa 0xc000\n"
		   "L1[3] 0x8000000f V frame=0xf -> 4K page, va 0x3000 -> pa 0xf000\n",
		   "");
	run_result_free(&r);
	remove_temp_file(dump);
}

Test(ostep_linear, config_that_disagrees_is_refused)
{
	char *dump = write_temp_file(small, ".txt");
	char msg[512];
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "ostep", "--image", dump, "translate", "0x0", NULL), 0);
	snprintf(msg, sizeof(msg),
		 "mmusim: --config ostep does not fit %s, which describes its own MMU (14-bit VAs, 4096-byte pages, "
		 "a linear table of 4 4-byte entries): leave --config out\n", dump);
	expect_run(&r, 2, "", msg);
	run_result_free(&r);
	remove_temp_file(dump);
}

/* The dump `text` must be refused with "mmusim: PATH" + `msg`. */
static void expect_bad(const char *text, const char *msg)
{
	char *dump = write_temp_file(text, ".txt");
	char want[512];
	struct run_result r;

	snprintf(want, sizeof(want), "mmusim: %s%s\n", dump, msg);
	cr_assert_eq(run_mmusim(&r, "--image", dump, "translate", "0x0", NULL), 0);
	expect_run(&r, 2, "", want);
	run_result_free(&r);
	/* --ostep reads the config from the dump first: the same message. */
	cr_assert_eq(run_mmusim(&r, "--image", dump, "translate", "--ostep", "0x0", NULL), 0);
	expect_run(&r, 2, "", want);
	run_result_free(&r);
	remove_temp_file(dump);
}

#define HEAD "ARG address space size 16k\nARG phys mem size 64k\nARG page size 4k\n\n"
#define TABLE "Page Table (from entry 0 down to the max size)\n"

Test(ostep_linear, malformed_dumps)
{
	expect_bad("ARG address space size 16k\nARG phys mem size 64k\n\n" TABLE "  0x00000000\n",
		   ": no 'ARG page size' line (the output of paging-linear-translate.py starts with them)");
	expect_bad(HEAD TABLE "  0x00000000\n  0x8000000g\n  0x0\n  0x0\n",
		   ":7: page table entry 1: expected 0x and 8 hex digits, found '0x8000000g'");
	expect_bad(HEAD TABLE "  0x00000000\n  0x8000000c\n\n",
		   ": the page table has 2 entries, not 4 (address space size / page size)");
	expect_bad(HEAD TABLE "  0x00000000\n  0x00000000\n  0x00000000\n  0x00000000\n  0x00000000\n",
		   ":10: the page table has more than 4 entries (address space size / page size)");
	expect_bad("ARG address space size 16k\nARG phys mem size 64k\nARG page size 3000\n" TABLE,
		   ":3: ARG page size 3000 is not a power of two");
	expect_bad("ARG address space size 12k\nARG phys mem size 64k\nARG page size 4k\n" TABLE,
		   ":1: ARG address space size 12288 is not a power of two");
	expect_bad("ARG address space size 16k\nARG phys mem size 66k\nARG page size 4k\n" TABLE,
		   ":2: ARG phys mem size 67584 is not a multiple of the page size 4096");
	expect_bad("ARG address space size 16q\nARG phys mem size 64k\nARG page size 4k\n" TABLE,
		   ":1: ARG address space size: expected a size from 1 to 1023m (such as 16k), found '16q'");
	expect_bad("ARG address space size 4k\nARG phys mem size 64k\nARG page size 4k\n" TABLE "  0x80000001\n",
		   ":1: ARG address space size 4096 must be at least two pages of 4096");
	/* 64k of 4k pages: PFNs 0 to 15. */
	expect_bad(HEAD TABLE "  0x00000000\n  0x80000010\n  0x0\n  0x0\n",
		   ":7: page table entry 1: PFN 16 is beyond physical memory (16 pages of 4096 bytes)");
	expect_bad(HEAD TABLE "  [       0]  0x00000000\n  [       2]  0x00000000\n",
		   ":7: page table entry 1: expected '[1]' before it");
}
