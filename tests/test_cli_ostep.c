/*
 * End to end: OSTEP's multi-level paging homework (paging-multilevel-translate.py,
 * "Paging: Smaller Tables").  tests/data/ostep/seed1.txt is what the script
 * printed with `-s 1 -n 20` (its memory dump, PDBR 17 and 20 questions) and
 * seed1-answers.txt what it printed with `-s 1 -n 20 -c`, the answer key: 9
 * translations, 9 page-table-entry faults, 2 page-directory-entry faults (see
 * tests/data/ostep/README.md).  mmusim must give the key's answers, word for
 * word with --ostep.  The small dumps written here are worked by hand.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
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

/* The questions' VAs, in order ("Virtual Address 611c: Translates To ..."). */
static int question_vas(char vas[][8], int max)
{
	char *text = read_text_file(DATA "seed1.txt"), *p = text;
	unsigned va;
	int n = 0;

	cr_assert(text);
	while ((p = strstr(p, "Virtual Address ")) && n < max) {
		cr_assert_eq(sscanf(p, "Virtual Address %x:", &va), 1);
		snprintf(vas[n++], sizeof(vas[0]), "0x%x", va);
		p++;
	}
	free(text);
	return n;
}

/* The key's lines from the first "Virtual Address" on, blank lines left out. */
static char *answer_key(void)
{
	char *text = read_text_file(DATA "seed1-answers.txt"), *from, *out, *o;

	cr_assert(text);
	from = strstr(text, "Virtual Address ");
	cr_assert(from);
	out = o = calloc(strlen(from) + 1, 1);
	for (const char *p = from; *p; p++)
		if (!(*p == '\n' && (p[1] == '\n' || p[1] == '\0') && o > out && o[-1] == '\n'))
			*o++ = *p;
	free(text);
	return out;
}

/* argv: mmusim --config ostep --image IMAGE translate [extra] VA... */
static void run_translate(struct run_result *r, const char *image, const char *extra, char vas[][8], int n)
{
	const char *argv[40];
	int argc = 0;

	argv[argc++] = "--config";
	argv[argc++] = "ostep";
	argv[argc++] = "--image";
	argv[argc++] = image;
	argv[argc++] = "translate";
	if (extra)
		argv[argc++] = extra;
	for (int i = 0; i < n; i++)
		argv[argc++] = vas[i];
	cr_assert_eq(run_mmusim_argv(r, argc, argv), 0);
}

Test(ostep, answers_as_the_key_does)
{
	char vas[32][8];
	int n = question_vas(vas, 32);
	char *key = answer_key();
	struct run_result r;

	cr_assert_eq(n, 20);
	run_translate(&r, DATA "seed1.txt", "--ostep", vas, n);
	expect_run(&r, 0, key, "");
	cr_expect(strstr(key, "Fault (page directory entry not valid)"));
	cr_expect(strstr(key, "Fault (page table entry not valid)"));
	run_result_free(&r);
	/* The key's own output carries the same dump: it is read past the answers. */
	run_translate(&r, DATA "seed1-answers.txt", "--ostep", vas, n);
	expect_run(&r, 0, key, "");
	run_result_free(&r);
	free(key);
}

/* translate and explain without --ostep say the same: the PA, or the level of the entry not valid. */
Test(ostep, translate_and_explain_agree_with_the_key)
{
	char *key = answer_key(), *p = key;
	unsigned va, checked = 0, faults[3] = { 0 };

	while ((p = strstr(p, "Virtual Address 0x"))) {
		char arg[2][8], want[160], pde[32] = "", pte[32] = "";
		const char *end = strstr(p + 1, "Virtual Address 0x");
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char *block = strndup(p, len), *q;
		unsigned pa, c;
		struct run_result r;

		cr_assert_eq(sscanf(p, "Virtual Address 0x%x:", &va), 1);
		snprintf(arg[0], sizeof(arg[0]), "0x%x", va);
		if ((q = strstr(block, "pde contents:0x")) && sscanf(q, "pde contents:0x%x", &c) == 1)
			snprintf(pde, sizeof(pde), "raw    0x%02x\n", c);
		if ((q = strstr(block, "pte contents:0x")) && sscanf(q, "pte contents:0x%x", &c) == 1)
			snprintf(pte, sizeof(pte), "raw    0x%02x\n", c);
		if ((q = strstr(block, "Physical Address 0x")) && sscanf(q, "Physical Address 0x%x", &pa) == 1)
			snprintf(want, sizeof(want), "0x%x r user: pa 0x%x (32-byte page, level 1) perms rwxu-\n", va, pa);
		else
			snprintf(want, sizeof(want),
				 "0x%x r user: fault not-present at level %d, page fault code 0x4 (U): the PTE is not present "
				 "(P/V bit clear)\n", va, strstr(block, "directory entry not valid") ? 2 : 1);
		faults[strstr(block, "directory entry") ? 2 : strstr(block, "table entry not") ? 1 : 0]++;
		run_translate(&r, DATA "seed1.txt", NULL, arg, 1);
		expect_run(&r, 0, want, "");
		run_result_free(&r);
		cr_assert_eq(run_mmusim(&r, "--config", "ostep", "--image", DATA "seed1.txt", "explain", arg[0], NULL), 0);
		cr_expect(strstr(r.out, pde), "0x%x: no %s in %s", va, pde, r.out);
		cr_expect(strstr(r.out, pte), "0x%x: no %s in %s", va, pte, r.out);
		cr_expect(strstr(r.out, "walk from root 0x220 (ptbr 0x220)"), "%s", r.out); /* PDBR 17 x 32 */
		run_result_free(&r);
		free(block);
		checked++;
		p++;
	}
	cr_expect_eq(checked, 20);
	cr_expect_eq(faults[0], 9);
	cr_expect_eq(faults[1], 9);
	cr_expect_eq(faults[2], 2);
	free(key);
}

/*
 * The book's own way of printing a dump (bytes split by blanks), worked by hand:
 * the page directory is page 2 (PDBR 2, PA 0x40); PDE 0 = 0x81 points at the
 * page table in page 1, whose PTE 3 = 0x80 maps page 0, which holds 0x00..0x1f.
 * VA 0x65 = PDE 0, PTE 3, offset 5 -> PA 0x005, value 0x05; VA 0x45 = PTE 2
 * (0x7f, not valid); VA 0x400 = PDE 1 (0x7f, not valid).
 */
static const char book_pages[] =
	"page 0: 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f\n"
	"page 1: 7f 7f 7f 80 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f\n"
	"page 2: 81 7F 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f 7f\r\n";

Test(ostep, book_format_by_hand)
{
	char text[sizeof(book_pages) + 32];
	char *dump;
	struct run_result r;

	snprintf(text, sizeof(text), "%s\nPDBR: 2\n", book_pages);
	dump = write_temp_file(text, ".txt");
	cr_assert_eq(run_mmusim(&r, "--config", "ostep", "--image", dump, "translate", "--ostep", "0x65", "0x45", "0x400",
				"0x8000", NULL), 0);
	expect_run(&r, 0,
		   "Virtual Address 0x0065:\n"
		   "  --> pde index:0x0 [decimal 0] pde contents:0x81 (valid 1, pfn 0x01 [decimal 1])\n"
		   "    --> pte index:0x3 [decimal 3] pte contents:0x80 (valid 1, pfn 0x00 [decimal 0])\n"
		   "      --> Translates to Physical Address 0x005 --> Value: 0x05\n"
		   "Virtual Address 0x0045:\n"
		   "  --> pde index:0x0 [decimal 0] pde contents:0x81 (valid 1, pfn 0x01 [decimal 1])\n"
		   "    --> pte index:0x2 [decimal 2] pte contents:0x7f (valid 0, pfn 0x7f [decimal 127])\n"
		   "      --> Fault (page table entry not valid)\n"
		   "Virtual Address 0x0400:\n"
		   "  --> pde index:0x1 [decimal 1] pde contents:0x7f (valid 0, pfn 0x7f [decimal 127])\n"
		   "      --> Fault (page directory entry not valid)\n"
		   "Virtual Address 0x8000:\n"
		   "      --> Fault (the VA does not fit in 15 bits)\n",
		   "");
	run_result_free(&r);
	/* The PFN sits in bits 6:0, below the offset's 5 bits: explain shows the shift. */
	cr_assert_eq(run_mmusim(&r, "--config", "ostep", "--image", dump, "explain", "0x65", NULL), 0);
	expect_run(&r, 0,
		   "explain 0x65: read access in user mode; ostep: 2 levels, 15-bit VA, 32-byte pages, 1-byte PTEs\n"
		   "VA 0x0065 as its bit fields:\n"
		   "  field      bits   hex  binary\n"
		   "  L2 index   14:10  0x0  0b00000  = 0\n"
		   "  L1 index   9:5    0x3  0b00011  = 3\n"
		   "  offset     4:0    0x5  0b00101\n"
		   "walk from root 0x40 (ptbr 0x40):\n"
		   "  L2  table 0x40 + index 0 x 1 = PTE at 0x40\n"
		   "      raw    0x81\n"
		   "      bits   V frame=0x1\n"
		   "      addr   bits 6:0 = frame 0x1 << 5 = 0x20\n"
		   "      -> the next table, at 0x20\n"
		   "  L1  table 0x20 + index 3 x 1 = PTE at 0x23\n"
		   "      raw    0x80\n"
		   "      bits   V frame=0x0\n"
		   "      addr   bits 6:0 = frame 0x0 << 5 = 0x0\n"
		   "      -> a leaf: maps a 32-byte page at frame 0x0\n"
		   "PA 0x5 = frame 0x0 | offset 0x5 (VA bits 4:0 in a 32-byte page)\n"
		   "perms rwxu-\n",
		   "");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "ostep", "--image", dump, "show", NULL), 0);
	expect_run(&r, 0,
		   "root 0x40 (ptbr 0x40): ostep, 2 levels of 32 1-byte entries\n"
		   "L2[0] 0x81 V frame=0x1 -> L1 table 0x20, va 0x0..0x3ff\n"
		   "  L1[3] 0x80 V frame=0x0 -> 32-byte page, va 0x60 -> pa 0x0\n",
		   "");
	run_result_free(&r);
	remove_temp_file(dump);
}

/* Without a PDBR line the root is --root, PDBR x 32; a page left out of the dump is a bus error. */
Test(ostep, root_option_and_missing_pages)
{
	char *dump = write_temp_file(book_pages, ".txt");
	char want[512];
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "ostep", "--image", dump, "translate", "0x65", NULL), 0);
	snprintf(want, sizeof(want), "mmusim: %s: no root recorded in the image: give --root (the root table's PA, ptbr's value)\n", dump);
	expect_run(&r, 2, "", want);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "ostep", "--image", dump, "--root", "0x40", "translate", "0x65", NULL), 0);
	expect_run(&r, 0, "0x65 r user: pa 0x5 (32-byte page, level 1) perms rwxu-\n", "");
	run_result_free(&r);
	/* PDBR x 32: a root between two pages is no PDBR value. */
	cr_assert_eq(run_mmusim(&r, "--config", "ostep", "--image", dump, "--root", "0x44", "translate", "0x65", NULL), 0);
	expect_run(&r, 2, "", "mmusim: root 0x44 is not a table address ptbr can hold: ptbr 0x44 is not a page-aligned "
			      "PA below 2^12\n");
	run_result_free(&r);
	/* Page 3 is not in the dump: the page directory cannot be read. */
	cr_assert_eq(run_mmusim(&r, "--config", "ostep", "--image", dump, "--root", "0x60", "translate", "--ostep", "0x65",
				NULL), 0);
	expect_run(&r, 0,
		   "Virtual Address 0x0065:\n"
		   "      --> Fault (the page directory entry's address 0x060 is not in the dump)\n",
		   "");
	run_result_free(&r);
	remove_temp_file(dump);
}

struct bad_dump {
	const char *text;
	const char *message; /* after "mmusim: PATH" */
};

Test(ostep, malformed_dumps)
{
	static const char hex64[] = "0000000000000000000000000000000000000000000000000000000000000000";
	char text[3][400];
	const struct bad_dump cases[] = {
		{ "page 0: 00 01\n", ":1: page 0: expected 64 hex digits (32 bytes), found 4" },
		{ text[0], ":2: page 1: expected 64 hex digits (32 bytes), found 66" },
		{ "page 128: 00\n", ":1: expected 'page N:' with N from 0 to 127" },
		{ "ARG seed 0\npage x: 00\n", ":2: expected 'page N:' with N from 0 to 127" },
		{ "page 3 00 11\n", ":1: expected 'page N:' with N from 0 to 127" },
		{ text[1], ":3: page 0 given twice (first at line 1)" },
		{ "page 5: 0g\n", ":1: page 5: 'g' is not a hex digit" },
		{ text[2], ":2: expected 'PDBR: N' with N a page number from 0 to 127" },
		{ "ARG seed 0\nARG allocated 64\n\nPDBR: 3\n", ": no 'page N:' line (an OSTEP memory dump)" },
	};

	snprintf(text[0], sizeof(text[0]), "page 0: %s\npage 1: %s00\n", hex64, hex64);
	snprintf(text[1], sizeof(text[1]), "page 0: %s\npage 1: %s\npage   0:%s\n", hex64, hex64, hex64);
	snprintf(text[2], sizeof(text[2]), "page 0: %s\nPDBR: 128\n", hex64);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *dump = write_temp_file(cases[i].text, ".txt"), want[512];
		struct run_result r;

		cr_assert_eq(run_mmusim(&r, "--config", "ostep", "--image", dump, "translate", "0x0", NULL), 0);
		snprintf(want, sizeof(want), "mmusim: %s%s\n", dump, cases[i].message);
		expect_run(&r, 2, "", want);
		run_result_free(&r);
		remove_temp_file(dump);
	}
}

/* A byte that is not text is named by its value (a NUL would end the message). */
Test(ostep, binary_byte_in_a_page_line)
{
	static const char text[] = "ARG seed 0\npage 1: 0\0 00\n";
	char *dump = write_temp_bytes(text, sizeof(text) - 1), want[512];
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "ostep", "--image", dump, "translate", "0x0", NULL), 0);
	snprintf(want, sizeof(want), "mmusim: %s:2: page 1: byte 0x00 is not a hex digit\n", dump);
	expect_run(&r, 2, "", want);
	run_result_free(&r);
	remove_temp_file(dump);
}

Test(ostep, ostep_option_errors)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "x86_64", "translate", "--ostep", "0x0", NULL), 0);
	expect_run(&r, 2, "",
		   "mmusim: --ostep tells a walk as OSTEP's homework does: it needs a one- or two-level toy config such as "
		   "--config ostep (x86_64 is not one)\n");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "ostep", "--json", "translate", "--ostep", "0x0", NULL), 0);
	expect_run(&r, 2, "", "mmusim: translate: --ostep prints the answer key's lines: not with --json\n");
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", "ostep", "translate", "--ostep", "--explain", "0x0", NULL), 0);
	expect_run(&r, 2, "", "mmusim: translate: --ostep prints the answer key's lines: not with --explain\n");
	run_result_free(&r);
}

/* The preset by itself: a map built with --map walks as the homework's tables do. */
Test(ostep, preset_with_map)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "ostep", "--map", "0x6100 0x9c0 32 r", "translate", "0x611c", "0x6120",
				NULL), 0);
	expect_run(&r, 0,
		   "0x611c r user: pa 0x9dc (32-byte page, level 1) perms rwxu-\n"
		   "0x6120 r user: fault not-present at level 1, page fault code 0x4 (U): the PTE is not present (P/V bit "
		   "clear)\n",
		   "");
	run_result_free(&r);
}
