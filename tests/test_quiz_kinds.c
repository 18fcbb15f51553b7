/*
 * test_quiz_kinds: the quiz's knobs and question kinds beyond "translate"
 * (tools/cli/quiz_gen.c, quiz_tlb.c, quiz_replace.c, quiz_options.c).  The
 * replacement and TLB answers are checked against sequences worked by hand
 * (Belady's anomaly string; Silberschatz's reference string); the PTE and
 * fault answers of seed 1 on the toy by walking its printed table by hand.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quiz_gen.h"
#include "support.h"

static void repl(const char *policy, unsigned frames, const unsigned *refs, unsigned n, struct quiz_repl_question *q)
{
	mmusim_config *cfg;
	mmusim_error err = { 0 };

	cr_assert_eq(mmusim_config_load("sv39", &cfg, &err), MMUSIM_OK, "%s", err.message);
	memset(q, 0, sizeof(*q));
	q->frames = frames;
	q->policy = policy;
	q->n = n;
	memcpy(q->ref, refs, n * sizeof(*refs));
	cr_assert_eq(quiz_repl_answer(cfg, q, &err), MMUSIM_OK, "%s", err.message);
	mmusim_config_free(cfg);
}

/* Belady's anomaly under FIFO: 9 faults with 3 frames, 10 with 4 (OSTEP ch. 22). */
Test(quiz_kinds, belady_anomaly_fifo)
{
	static const unsigned refs[] = { 1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5 };
	/* By hand, 3 frames: faults on all but the 8th, 9th and 12th; victims 1 2 3 4 . . 1 2 . */
	static const int victims3[] = { -1, -1, -1, 1, 2, 3, 4, -1, -1, 1, 2, -1 };
	static const bool faults3[] = { 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0 };
	struct quiz_repl_question q;

	repl("fifo", 3, refs, 12, &q);
	cr_expect_eq(q.faults, 9);
	for (unsigned i = 0; i < 12; i++) {
		cr_expect_eq(q.fault[i], faults3[i], "ref %u", i);
		cr_expect_eq(q.victim[i], victims3[i], "ref %u", i);
	}
	repl("fifo", 4, refs, 12, &q);
	cr_expect_eq(q.faults, 10);
}

/* Silberschatz's string 7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1, 3 frames: FIFO 15, LRU 12, OPT 9. */
Test(quiz_kinds, textbook_string_fifo_lru_opt)
{
	static const unsigned refs[] = { 7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1 };
	struct quiz_repl_question q;

	repl("fifo", 3, refs, 20, &q);
	cr_expect_eq(q.faults, 15);
	repl("lru", 3, refs, 20, &q);
	cr_expect_eq(q.faults, 12);
	/* LRU's first eviction: 2 arrives with 7 0 1 resident, 7 least recently used. */
	cr_expect_eq(q.victim[3], 7);
	repl("opt", 3, refs, 20, &q);
	cr_expect_eq(q.faults, 9);
	/* OPT at 2: of 7 0 1, 7 is used last (reference 18). */
	cr_expect_eq(q.victim[3], 7);
	/* OPT at 3 (ref 5): 2 0 1 resident; 1 is next used at ref 13, furthest. */
	cr_expect_eq(q.victim[5], 1);
}

/*
 * Clock with 3 frames over 1 2 3 4 1 2 5 1 2 3 4 5, by hand: frames 0-2 take
 * 1 2 3, A set.  4: the hand clears 1, 2, 3 and comes back to frame 0: 1 goes
 * (hand at 1).  1: frame 1's 2 has A clear, goes.  2: frame 2's 3 goes (hand
 * at 0).  5: 4 1 2 all referenced: one turn clears them, 4 goes (hand at 1).
 * 1, 2 hit (A set again).  3: 1 and 2 and 5 cleared, then 1 goes (hand at
 * 2).  4: 2 has A clear, goes.  5 hits.  9 faults; here the same victims as FIFO.
 */
Test(quiz_kinds, clock_by_hand)
{
	static const unsigned refs[] = { 1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5 };
	static const int victims[] = { -1, -1, -1, 1, 2, 3, 4, -1, -1, 1, 2, -1 };
	struct quiz_repl_question q;

	repl("clock", 3, refs, 12, &q);
	cr_expect_eq(q.faults, 9);
	for (unsigned i = 0; i < 12; i++)
		cr_expect_eq(q.victim[i], victims[i], "ref %u: victim %d", i, q.victim[i]);
}

static void tlb(unsigned entries, unsigned ways, bool fifo, const uint64_t *va, unsigned n,
		struct quiz_tlb_question *q)
{
	/* Toy: 64-byte pages 0..3 at VA 0x0, 0x40, 0x80, 0xc0; the 2K page at 0x800. */
	static const struct quiz_tlb_page pages[] = {
		{ 0x000, 0x1000, 64, MMUSIM_PROP_R | MMUSIM_PROP_U }, { 0x040, 0x1040, 64, MMUSIM_PROP_R | MMUSIM_PROP_U },
		{ 0x080, 0x1080, 64, MMUSIM_PROP_R | MMUSIM_PROP_U }, { 0x0c0, 0x10c0, 64, MMUSIM_PROP_R | MMUSIM_PROP_U },
		{ 0x800, 0x2000, 2048, MMUSIM_PROP_R | MMUSIM_PROP_U },
	};
	mmusim_error err = { 0 };

	memset(q, 0, sizeof(*q));
	q->entries = entries;
	q->ways = ways;
	q->fifo = fifo;
	q->n = n;
	for (unsigned i = 0; i < n; i++) {
		q->va[i] = va[i];
		q->page_size[i] = va[i] >= 0x800 ? 2048 : 64;
	}
	cr_assert_eq(quiz_tlb_answer("extends: toy\n", pages, 5, q, &err), MMUSIM_OK, "%s", err.message);
}

/* Pages A B A C B in a 2-entry fully associative TLB: LRU evicts B for C, FIFO evicts A. */
Test(quiz_kinds, tlb_lru_against_fifo_by_hand)
{
	static const uint64_t va[] = { 0x04, 0x48, 0x3c, 0x80, 0x41 };
	static const bool lru[] = { 0, 0, 1, 0, 0 }, fifo[] = { 0, 0, 1, 0, 1 };
	struct quiz_tlb_question q;

	tlb(2, 2, false, va, 5, &q);
	cr_expect_eq(q.hits, 1);
	for (unsigned i = 0; i < 5; i++)
		cr_expect_eq(q.hit[i], lru[i], "LRU access %u", i);
	tlb(2, 2, true, va, 5, &q);
	cr_expect_eq(q.hits, 2);
	for (unsigned i = 0; i < 5; i++)
		cr_expect_eq(q.hit[i], fifo[i], "FIFO access %u", i);
}

/*
 * Direct-mapped, 2 sets: pages 0 and 2 share set 0, page 1 is set 1: 0 2 0
 * conflict (three misses), 1 then 1 again hits.  A huge page takes one
 * entry: two reads 1K apart inside the 2K page, the second hits.
 */
Test(quiz_kinds, tlb_sets_and_huge_page_by_hand)
{
	static const uint64_t va[] = { 0x00, 0x80, 0x10, 0x40, 0x50, 0x800, 0xc00, 0x44 };
	static const bool hit[] = { 0, 0, 0, 0, 1, 0, 1, 0 };
	/*
	 * The 2K page is page number 0x800 / 2K = 1 of its size: set 1, where it
	 * evicts page 1's entry, so page 1 misses again at the end.
	 */
	static const unsigned set[] = { 0, 0, 0, 1, 1, 1, 1, 1 };
	struct quiz_tlb_question q;

	tlb(2, 1, false, va, 8, &q);
	for (unsigned i = 0; i < 8; i++) {
		cr_expect_eq(q.hit[i], hit[i], "access %u", i);
		cr_expect_eq(q.set[i], set[i], "access %u", i);
	}
	cr_expect_eq(q.hits, 2);
}

static char *quiz_out(const char *const *args, int n)
{
	const char *argv[24] = { "quiz" };
	struct run_result r;
	char *out;

	for (int i = 0; i < n; i++)
		argv[i + 1] = args[i];
	cr_assert_eq(run_mmusim_argv(&r, n + 1, argv), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.err, "");
	out = strdup(r.out);
	run_result_free(&r);
	return out;
}

/*
 * Seed 1 on the toy, walked by hand on its printed table (tests/golden/quiz_toy_seed1.txt):
 * PTE question: VA 0x3ec0: L2 index 7 -> entry 0x4e = 0x00c1 -> node 0xc0; L1
 * index 27 -> entry 0xc0 + 27 x 2 = 0xf6; PA 0xaac0 supervisor read-write =
 * frame bits 0xaac0 | V R W (0x7) = 0xaac7.  Fault question: user fetch 0x380c:
 * L2 index 7 -> node 0xc0, L1 index 0 -> entry 0xc0 = 0xa287: V R W, U clear, so
 * a user access is refused at level 1: x86-style code P U I = 0x15.
 */
Test(quiz_kinds, pte_and_fault_answers_by_hand)
{
	static const char *const args[] = { "--seed", "1", "--kinds", "pte,fault", "--count", "2", "--answers" };
	char *out = quiz_out(args, 7);

	cr_expect(strstr(out, " 1. VA 0x3ec0 -> PA 0xaac0 (64-byte page), supervisor read-write\n"), "%s", out);
	cr_expect(strstr(out, " 1. PTE 0xaac7 at 0xf6 (level 1, index 27 of node 0xc0)\n"
			 "    L2 index 7: entry at 0x4e = 0x00c1 -> node 0xc0\n"), "%s", out);
	cr_expect(strstr(out, " 3. user fetch 0x380c\n"), "%s", out);
	cr_expect(strstr(out, " 3. user fetch 0x380c: the level 1 entry at 0xc0; fault permission at level 1, page fault "
			 "code 0x15 (P U I)"), "%s", out);
	/* No translate section. */
	cr_expect_null(strstr(out, "Translate each VA"));
	free(out);
}

/* The table stays as printed: PTE questions map and unmap, the dump is today's. */
Test(quiz_kinds, other_kinds_leave_the_table_and_translations)
{
	static const char *const plain[] = { "--seed", "1", "--answers" };
	static const char *const all[] = { "--seed", "1", "--answers", "--kinds", "translate,pte,fault,tlb,replacement" };
	char *a = quiz_out(plain, 3), *b = quiz_out(all, 5);
	char *qa = strstr(a, "\nAnswers"), *qb = strstr(b, "\nWrite the PTE");

	cr_assert(qa && qb);
	/* Everything up to the translate answers, then the translate answers themselves, are the same. */
	cr_expect_eq(strncmp(a, b, (size_t)(qb - b)), 0);
	/* The translate answers (walks included) open b's answers unchanged, the other kinds' follow. */
	char *ab = strstr(b, "\nAnswers");
	cr_assert_not_null(ab);
	cr_expect_eq(strncmp(ab, qa, strlen(qa)), 0, "%s", b);
	cr_expect(strstr(b, "\n 6. supervisor write 0x3810: pa 0xa290 (64-byte page, level 1) perms rw---\n"), "%s", b);
	free(a);
	free(b);
}

Test(quiz_kinds, every_kind_deterministic_on_every_preset)
{
	static const char *const presets[] = { "toy", "sv39", "x86_64", "aarch64" };
	for (unsigned i = 0; i < 4; i++) {
		const char *args[] = { "--seed", "9", "--arch", presets[i], "--kinds", "translate,pte,fault,tlb,replacement",
				       "--answers" };
		char *a = quiz_out(args, 7), *b = quiz_out(args, 7);
		cr_expect_str_eq(a, b, "%s", presets[i]);
		cr_expect(strstr(a, "fault") && strstr(a, "hit") && strstr(a, "PTE 0x"), "%s", a);
		free(a);
		free(b);
	}
}

Test(quiz_kinds, replacement_from_the_command_line)
{
	static const char *const args[] = { "--seed", "1", "--kinds", "replacement", "--count", "1", "--frames", "4",
					    "--replacement", "fifo", "--references", "1,2,3,4,1,2,5,1,2,3,4,5", "--answers" };
	char *out = quiz_out(args, 13);

	cr_expect(strstr(out, " 1. 4 frames, fifo; pages referenced: 1 2 3 4 1 2 5 1 2 3 4 5\n"), "%s", out);
	cr_expect(strstr(out, " 1. 10 faults: 1:fault 2:fault 3:fault 4:fault 1:hit 2:hit 5:fault(evicts 1) "
			 "1:fault(evicts 2) 2:fault(evicts 3) 3:fault(evicts 4) 4:fault(evicts 5) 5:fault(evicts 1)\n"),
		  "%s", out);
	free(out);
}

Test(quiz_kinds, tlb_geometry_from_the_command_line)
{
	static const char *const args[] = { "--seed", "3", "--kinds", "tlb", "--count", "3", "--tlb", "4:2:fifo" };
	char *out = quiz_out(args, 8);

	cr_expect(strstr(out, " 1. 4 entries, 2-way (2 sets), FIFO:"), "%s", out);
	cr_expect(strstr(out, " 3. 4 entries, 2-way (2 sets), FIFO:"), "%s", out);
	free(out);
}

/* --mappings, --valid-share, --page-sizes, --memory through the generator. */
Test(quiz_kinds, knobs_shape_the_table)
{
	mmusim_config *cfg;
	mmusim_error err = { 0 };
	static struct quiz q;
	struct quiz_params p;

	cr_assert_eq(mmusim_config_load("toy", &cfg, &err), MMUSIM_OK);
	quiz_params_default(&p);
	p.mappings = 10;
	p.valid_share = 0.25;   /* 8 of a node's 32 entries: 10 pages in 2 nodes */
	p.no_huge = true;
	cr_assert_eq(quiz_generate_params(cfg, 5, &p, &q, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_eq(q.nr_base, 10);
	cr_expect_eq(q.nr_maps, 10, "no huge page");
	unsigned per_node[32] = { 0 }, nodes = 0;
	for (unsigned i = 0; i < q.nr_maps; i++) {
		cr_expect_eq(q.maps[i].size, 64);
		nodes += per_node[q.maps[i].va >> 11]++ == 0;
	}
	cr_expect_eq(nodes, 2);
	cr_expect_eq(per_node[q.maps[0].va >> 11], 8);
	quiz_free(&q);
	mmusim_config_free(cfg);

	static const char *const args[] = { "--seed", "2", "--memory", "8K", "--va-bits", "21", "--format", "tree" };
	char *out = quiz_out(args, 8);
	cr_expect(strstr(out, "(toy paging, 3 levels)"), "%s", out);
	cr_expect(strstr(out, "VA (21 bits): L3 index 20:16 |"), "%s", out);
	for (char *pa = strstr(out, "page at 0x"); pa; pa = strstr(pa + 1, "page at 0x"))
		cr_expect_lt(strtoull(pa + 8, NULL, 16), 8192, "%s", out);
	free(out);
}

Test(quiz_kinds, json_parses_and_student_has_no_answers)
{
	char *student = write_temp_file("", ".json"), *instructor = write_temp_file("", ".json");
	const char *argv[] = { "quiz", "--seed", "4", "--kinds", "translate,pte,fault,tlb,replacement", "--json",
			       "--student", student, "--instructor", instructor };
	struct run_result r;
	char cmd[600];

	cr_assert_eq(run_mmusim_argv(&r, (int)(sizeof(argv) / sizeof(argv[0])), argv), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, "");
	run_result_free(&r);
	char *s = read_text_file(student), *i = read_text_file(instructor);
	cr_expect_null(strstr(s, "\"answer\""));
	cr_expect(strstr(s, "\"kind\": \"replacement\""));
	cr_expect(strstr(i, "\"answer\": {\"faults\""));
	cr_expect(strstr(i, "\"walk\": [{\"level\": 2"));
	/* A JSON parser that is not ours; without python3, the structure checks above stand alone. */
	if (system("command -v python3 >/dev/null 2>&1") == 0) {
		snprintf(cmd, sizeof(cmd), "python3 -m json.tool %s >/dev/null && python3 -m json.tool %s >/dev/null",
			 student, instructor);
		cr_expect_eq(system(cmd), 0, "%s", i);
	}
	free(s);
	free(i);
	remove_temp_file(student);
	remove_temp_file(instructor);
}

Test(quiz_kinds, student_text_file_has_no_answers)
{
	char *student = write_temp_file("", ".txt"), *instructor = write_temp_file("", ".txt");
	const char *argv[] = { "quiz", "--seed", "1", "--student", student, "--instructor", instructor };
	struct run_result r;

	cr_assert_eq(run_mmusim_argv(&r, (int)(sizeof(argv) / sizeof(argv[0])), argv), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	char *s = read_text_file(student), *i = read_text_file(instructor);
	cr_expect_null(strstr(s, "Answers"));
	cr_expect(strstr(i, "\nAnswers (walks read the table above; none sets A/D):\n"));
	cr_expect(strstr(i, "    walk from root 0x40"));
	cr_expect_eq(strncmp(s, i, strlen(s)), 0, "the instructor's file starts with the student's");
	run_result_free(&r);
	free(s);
	free(i);
	remove_temp_file(student);
	remove_temp_file(instructor);
}

/* A handout named as the quiz's own config is refused before anything is written: the config stays. */
Test(quiz_kinds, handout_over_its_config_is_refused)
{
	const char yaml[] = "extends: toy\nname: toy-lab\n";
	char *cfg = write_temp_file(yaml, ".yaml"), *other = write_temp_file("", ".txt");
	const char *as_student[] = { "--config", cfg, "quiz", "--seed", "1", "--student", cfg, "--instructor", other };
	const char *as_instructor[] = { "--config", cfg, "quiz", "--seed", "1", "--student", other, "--instructor", cfg };
	const char *const *argvs[] = { as_student, as_instructor };
	char want[512];
	struct run_result r;

	snprintf(want, sizeof(want), "mmusim: %s: is also an input (%s): choose another output file\n", cfg, cfg);
	for (int k = 0; k < 2; k++) {
		cr_assert_eq(run_mmusim_argv(&r, 9, argvs[k]), 0);
		cr_expect_eq(r.status, 2);
		cr_expect_str_eq(r.err, want);
		run_result_free(&r);
		char *now = read_text_file(cfg), *o = read_text_file(other);
		cr_expect_str_eq(now, yaml, "the config is intact");
		cr_expect_str_eq(o, "", "nothing written to the other handout");
		free(now);
		free(o);
	}
	remove_temp_file(cfg);
	remove_temp_file(other);
}

struct bad_args {
	char args[6][32];
	char err[200];
};

static struct bad_args bad[] = {
	{ { "--kinds", "translate,quiz" },
	  "mmusim: quiz: bad --kinds 'translate,quiz' (expected a list of translate, pte, fault, tlb, replacement)\n" },
	{ { "--mappings", "0" }, "mmusim: quiz: bad --mappings '0' (expected 1 to 32)\n" },
	{ { "--mappings", "17" },
	  "mmusim: quiz: --mappings 17 must be from 1 to 16 on toy (half the entries of a last-level node)\n" },
	{ { "--valid-share", "0" },
	  "mmusim: quiz: bad --valid-share '0' (expected a share above 0 and at most 1, such as 0.25 or 25%)\n" },
	{ { "--valid-share", "150%" },
	  "mmusim: quiz: bad --valid-share '150%' (expected a share above 0 and at most 1, such as 0.25 or 25%)\n" },
	{ { "--valid-share", "0.01", "--mappings", "16" },
	  "mmusim: quiz: --valid-share 0.01 puts 1 page in each last-level node: 16 mappings need 16 nodes, toy has "
	  "room for 14\n" },
	{ { "--page-sizes", "4K" }, "mmusim: quiz: --page-sizes: 4K is not a page size a quiz maps on toy (64-byte and 2K)\n" },
	{ { "--page-sizes", "2K" }, "mmusim: quiz: --page-sizes must include the base page (64-byte on toy)\n" },
	{ { "--page-sizes", "x" }, "mmusim: quiz: bad --page-sizes 'x' (expected sizes such as 4K,2M)\n" },
	{ { "--memory", "0" }, "mmusim: quiz: bad --memory '0' (expected a size such as 64K)\n" },
	/* The config loader's own check of the layer the quiz writes over the preset, named by the knob
	 * (not by that layer's line: the user wrote no such file). */
	{ { "--memory", "128K" },
	  "mmusim: quiz: --memory 128K on toy: memory.base 0x0 + memory.size 0x20000 exceeds 2^phys_addr_width "
	  "(2^16)\n" },
	{ { "--memory", "100" },
	  "mmusim: quiz: --memory 100 on toy: memory.size 0x64 is not a multiple of base_page_size 64\n" },
	{ { "--memory", "1M", "--va-bits", "21" },
	  "mmusim: quiz: --memory 1M, --va-bits 21 on toy: memory.base 0x0 + memory.size 0x100000 exceeds "
	  "2^phys_addr_width (2^16)\n" },
	{ { "--memory", "1K" },
	  "mmusim: config toy is too small for a quiz: its memory (1K) cannot hold the 2K huge page it maps\n" },
	{ { "--va-bits", "17" },
	  "mmusim: quiz: --va-bits 17 does not fit toy: 6 offset bits plus 5 bits per level (11, 16, 21, ...)\n" },
	{ { "--va-bits", "11" },
	  "mmusim: quiz: --va-bits 11 gives toy one level, and its huge bit needs two or more (16, 21, ...; for one "
	  "level, write a config file)\n" },
	{ { "--va-bits", "36" }, "mmusim: quiz: --va-bits 36 on toy: toy.levels 6 must be from 1 to 5\n" },
	{ { "--va-bits", "39", "--arch", "sv39" },
	  "mmusim: quiz: --va-bits applies to the toy arch (sv39 fixes its VA width: pick another preset, e.g. "
	  "sv39/sv48, x86_64/x86_64_la57)\n" },
	{ { "--tlb", "0:0:lru", "--kinds", "tlb" },
	  "mmusim: quiz: bad --tlb '0:0:lru' (expected ENTRIES:WAYS:lru|fifo, such as 4:2:lru)\n" },
	{ { "--tlb", "4:2:lru" }, "mmusim: quiz: --tlb applies to tlb questions (add tlb to --kinds)\n" },
	{ { "--frames", "3" },
	  "mmusim: quiz: --frames, --replacement and --references apply to replacement questions (add replacement "
	  "to --kinds)\n" },
	{ { "--tlb", "4:2" }, "mmusim: quiz: bad --tlb '4:2' (expected ENTRIES:WAYS:lru|fifo, such as 4:2:lru)\n" },
	{ { "--tlb", "6:4:lru", "--kinds", "tlb" },
	  "mmusim: quiz: --tlb 6:4: the ways must divide the entries (at most 64) into a power of two of sets\n" },
	{ { "--frames", "9" }, "mmusim: quiz: bad --frames '9' (expected 1 to 8)\n" },
	{ { "--replacement", "mru" }, "mmusim: quiz: bad --replacement 'mru' (expected fifo, lru, opt or clock)\n" },
	{ { "--references", "1,2,40" },
	  "mmusim: quiz: bad --references '1,2,40' (expected 1 to 32 page numbers from 0 to 31, comma-separated)\n" },
	{ { "--kinds", "replacement", "--replacement", "clock" },
	  "mmusim: quiz: --replacement clock reads the A bits, and toy's PTEs have none (add accessed: BIT to its toy "
	  "block)\n" },
	{ { "--student", "same.txt", "--instructor", "same.txt" },
	  "mmusim: quiz: --student and --instructor name the same file 'same.txt': the answers would overwrite the "
	  "questions\n" },
};

ParameterizedTestParameters(quiz_kinds, bad_input)
{
	return cr_make_param_array(struct bad_args, bad, sizeof(bad) / sizeof(bad[0]));
}

ParameterizedTest(struct bad_args *b, quiz_kinds, bad_input)
{
	const char *argv[9] = { "quiz", "--seed", "1" };
	int argc = 3;
	struct run_result r;

	for (int i = 0; i < 6 && b->args[i][0]; i++)
		argv[argc++] = b->args[i];
	cr_assert_eq(run_mmusim_argv(&r, argc, argv), 0);
	cr_expect_eq(r.status, 2, "status %d", r.status);
	cr_expect_str_eq(r.out, "");
	cr_expect_str_eq(r.err, b->err);
	run_result_free(&r);
}

/* Knobs that change the machine need a preset to extend. */
Test(quiz_kinds, config_file_refuses_memory_and_tlb)
{
	char *cfg = write_temp_file("extends: toy\nname: toy-file\n", ".yaml");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "quiz", "--seed", "1", "--config", cfg, "--memory", "8K", NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "mmusim: quiz: --memory and --va-bits apply to a preset; write them in "), "%s", r.err);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "quiz", "--seed", "1", "--config", cfg, "--kinds", "tlb", NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "mmusim: quiz: tlb questions need a preset (--arch), whose TLB they replace; "), "%s",
		  r.err);
	run_result_free(&r);
	/* The other kinds work on a file. */
	cr_assert_eq(run_mmusim(&r, "quiz", "--seed", "1", "--config", cfg, "--kinds", "pte,fault,replacement", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_result_free(&r);
	remove_temp_file(cfg);
}

/*
 * The README's example, every line but the walks (explain's text, tested
 * there): the PTE and fault answers are worked above, the TLB one in the
 * README (set = page number mod 2, the 2K page 14 in set 0), the OPT one:
 * 4 evicts 6 (never used again), 1 evicts 3 (3 and 4 never again; the lower frame).
 */
Test(quiz_kinds, golden_toy_seed_1_kinds)
{
	static const char *const args[] = { "--seed", "1", "--kinds", "pte,fault,tlb,replacement", "--count", "1",
					    "--tlb", "4:2:lru", "--answers" };
	char *out = quiz_out(args, 9), *golden = read_text_file(MMUSIM_SOURCE_DIR "/tests/golden/quiz_toy_seed1_kinds.txt");
	char *kept = calloc(1, strlen(out) + 1), *w = kept;

	for (char *line = out, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		cr_assert_not_null(nl);
		if (strncmp(line, "    ", 4) != 0) {
			memcpy(w, line, (size_t)(nl - line + 1));
			w += nl - line + 1;
		}
	}
	cr_expect_str_eq(kept, golden);
	free(kept);
	free(golden);
	free(out);
}

/*
 * The tie rule the questions state for OPT: of pages never used again, the
 * one in the lowest frame goes, and a new page takes its victim's frame.
 * 2 frames, 2 1 3 4: 3 finds 2 (frame 0) and 1 (frame 1), neither used
 * again: 2 goes (not the lower page number, 1), 3 takes frame 0; 4 then finds 3
 * in frame 0 and 1 in frame 1: 3 goes.
 */
Test(quiz_kinds, opt_ties_go_to_the_lowest_frame)
{
	static const unsigned refs[] = { 2, 1, 3, 4 };
	struct quiz_repl_question q;

	repl("opt", 2, refs, 4, &q);
	cr_expect_eq(q.faults, 4);
	cr_expect_eq(q.victim[2], 2);
	cr_expect_eq(q.victim[3], 3);
}

/* The global --json (before the command) is the quiz's --json too. */
Test(quiz_kinds, global_json)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--json", "quiz", "--seed", "1", "--count", "1", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	static const char head[] = "{\n  \"seed\": 1,\n  \"config\": \"toy\",\n";
	cr_expect_eq(strncmp(r.out, head, strlen(head)), 0, "%s", r.out);
	cr_expect(strstr(r.out, "{\"half\": \"lower\", \"node\": \"0x40\", \"level\": 2, \"entries\": "
			 "[{\"index\": 1, \"addr\": \"0x42\", \"pte\": \"0x81\"}"), "%s", r.out);
	cr_expect(strstr(r.out, "{\"n\": 1, \"kind\": \"translate\", \"priv\": \"user\", \"access\": \"write\", "
			 "\"va\": \"0xf0d\"}"), "%s", r.out);
	run_result_free(&r);
}
