/*
 * test_quiz: `mmusim quiz` and its generator (tools/cli/quiz_gen.c).
 *
 * Reproducibility: the same seed and options give the same bytes, another seed
 * another quiz.  Correctness: every answer is what the walker says on the
 * quiz's finished table, and agrees with the mappings the generator made (a
 * translation lands at map.pa + (va - map.va); "not present" VAs are in no
 * mapping; permission faults are in one).  A golden quiz for seed 1 on the toy
 * preset, worked out by hand once (the numbers are small enough), pins the
 * output format.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quiz_gen.h"
#include "support.h"

#define GOLDEN MMUSIM_SOURCE_DIR "/tests/golden/"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	cr_assert(f, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	cr_assert(buf && fread(buf, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	return buf;
}

struct preset_param {
	char name[16];
};

static struct preset_param presets[] = {
	{ "toy" }, { "sv32" }, { "x86_32" }, { "sv39" }, { "sv48" }, { "x86_64" }, { "x86_64_la57" },
	{ "aarch64" }, { "aarch64_16k" }, { "aarch64_64k" }, { "aarch64_52" },
};

ParameterizedTestParameters(quiz, same_seed_same_bytes)
{
	return cr_make_param_array(struct preset_param, presets, sizeof(presets) / sizeof(presets[0]));
}

ParameterizedTest(struct preset_param *p, quiz, same_seed_same_bytes)
{
	struct run_result a, b, c;

	cr_assert_eq(run_mmusim(&a, "quiz", "--seed", "42", "--arch", p->name, "--answers", NULL), 0);
	cr_assert_eq(run_mmusim(&b, "quiz", "--seed", "42", "--arch", p->name, "--answers", NULL), 0);
	cr_assert_eq(run_mmusim(&c, "quiz", "--seed", "43", "--arch", p->name, "--answers", NULL), 0);
	cr_expect_eq(a.status, 0, "%s", a.err);
	cr_expect_str_eq(a.err, "");
	cr_expect_gt(strlen(a.out), 100);
	cr_expect_str_eq(a.out, b.out, "%s: two runs differ", p->name);
	cr_expect_str_neq(a.out, c.out, "%s: seeds 42 and 43 gave the same quiz", p->name);
	run_result_free(&a);
	run_result_free(&b);
	run_result_free(&c);
}

static const struct quiz_mapping *covering(const struct quiz *q, uint64_t va)
{
	for (unsigned i = 0; i < q->nr_maps; i++)
		if (va >= q->maps[i].va && va - q->maps[i].va < q->maps[i].size)
			return &q->maps[i];
	return NULL;
}

ParameterizedTestParameters(quiz, answers_are_the_walkers)
{
	return cr_make_param_array(struct preset_param, presets, sizeof(presets) / sizeof(presets[0]));
}

ParameterizedTest(struct preset_param *p, quiz, answers_are_the_walkers)
{
	mmusim_config *cfg;
	mmusim_error err = { 0 };
	static struct quiz q;

	cr_assert_eq(mmusim_config_load(p->name, &cfg, &err), MMUSIM_OK, "%s", err.message);
	for (uint64_t seed = 1; seed <= 20; seed++) {
		unsigned ok = 0, not_present = 0, permission = 0, huge = 0;

		cr_assert_eq(quiz_generate(cfg, seed, 10, &q, &err), MMUSIM_OK, "%s", err.message);
		for (unsigned i = 0; i < q.nr_q; i++) {
			const struct quiz_question *qq = &q.q[i];
			const struct quiz_mapping *m = covering(&q, qq->req.va);
			mmusim_request req = {
				.va = qq->req.va, .access = qq->req.access, .priv = qq->req.priv, .no_ad_update = true,
			};
			mmusim_translation res;

			mmusim_translate(q.m, &req, &res);
			cr_assert_eq(res.ok, qq->answer.ok, "%s seed %llu q%u", p->name,
				     (unsigned long long)seed, i + 1);
			if (res.ok) {
				ok++;
				huge += res.page_size > mmusim_config_page_size(cfg);
				cr_assert_eq(res.pa, qq->answer.pa);
				cr_assert(m, "%s seed %llu q%u: translated VA outside every mapping", p->name,
					  (unsigned long long)seed, i + 1);
				cr_assert_eq(res.pa, m->pa + (qq->req.va - m->va));
				cr_assert_eq(res.page_size, m->size);
				continue;
			}
			cr_assert_eq(res.fault_kind, qq->answer.fault_kind);
			cr_assert_eq(res.fault_level, qq->answer.fault_level);
			cr_assert_eq(res.fault_code, qq->answer.fault_code);
			if (res.fault_kind == MMUSIM_FAULT_NOT_PRESENT) {
				not_present++;
				cr_assert_null(m, "%s seed %llu q%u: not present inside a mapping", p->name,
					       (unsigned long long)seed, i + 1);
			} else {
				cr_assert_eq(res.fault_kind, MMUSIM_FAULT_PERMISSION, "%s seed %llu q%u: %s", p->name,
					     (unsigned long long)seed, i + 1, mmusim_fault_kind_name(res.fault_kind));
				cr_assert_not_null(m);
				permission++;
			}
		}
		cr_expect(ok && not_present && permission, "%s seed %llu: ok %u, not present %u, permission %u",
			  p->name, (unsigned long long)seed, ok, not_present, permission);
		cr_expect(huge || !mmusim_config_leaf_size(cfg, 2), "%s seed %llu: no huge page asked",
			  p->name, (unsigned long long)seed);
		quiz_free(&q);
	}
	mmusim_config_free(cfg);
}

Test(quiz, golden_toy_seed_1)
{
	struct run_result r;
	char *golden = slurp(GOLDEN "quiz_toy_seed1.txt");

	cr_assert_eq(run_mmusim(&r, "quiz", "--seed", "1", NULL), 0);
	cr_expect_eq(r.status, 0);
	cr_expect_str_eq(r.out, golden);
	run_result_free(&r);
	free(golden);
}

/* The answer lines (the walk text under each is explain's, tested there). */
Test(quiz, golden_toy_seed_1_answers)
{
	struct run_result r;
	char *golden = slurp(GOLDEN "quiz_toy_seed1_answers.txt");
	char *answers, *out, *w;

	cr_assert_eq(run_mmusim(&r, "quiz", "--seed", "1", "--answers", NULL), 0);
	answers = strstr(r.out, "\nAnswers");
	cr_assert_not_null(answers);
	out = w = calloc(1, strlen(answers) + 1);
	for (char *line = answers + 1, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (strncmp(line, "    ", 4) != 0) {
			memcpy(w, line, (size_t)(nl - line + 1));
			w += nl - line + 1;
		}
	}
	cr_expect_str_eq(out, golden);
	free(out);
	run_result_free(&r);
	free(golden);
}

Test(quiz, tree_format_names_every_node)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "quiz", "--seed", "1", "--format", "tree", "--count", "1", NULL), 0);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "L2 node 0x40\n"), "%s", r.out);
	cr_expect(strstr(r.out, "L1 node 0x80\n"), "%s", r.out);
	cr_expect(strstr(r.out, "-> 2K page at 0xd800"), "%s", r.out);
	run_result_free(&r);
}

struct bad_args {
	char args[4][24];
	char err[120];
};

static struct bad_args bad[] = {
	{ { "quiz" }, "mmusim: quiz: --seed N is required (the same seed gives the same quiz)\n" },
	{ { "quiz", "--seed", "x" }, "mmusim: quiz: bad --seed 'x' (expected a number)\n" },
	{ { "quiz", "--seed", "1", "--count=0" }, "mmusim: quiz: bad --count '0' (expected 1 to 100)\n" },
	{ { "quiz", "--seed", "1", "--format=png" }, "mmusim: quiz: bad --format 'png' (expected dump or tree)\n" },
	{ { "quiz", "--seed", "1", "--arch=arm" },
	  "mmusim: quiz: unknown --arch 'arm' (a preset name; see mmusim --help)\n" },
	{ { "quiz", "--seed", "1", "--frob" }, "mmusim: quiz: unexpected argument '--frob' (see mmusim quiz --help)\n" },
	{ { "--setup", "/dev/null", "quiz", "--seed=1" },
	  "mmusim: quiz: --setup, --map and --image do not apply to a quiz\n" },
};

ParameterizedTestParameters(quiz, bad_input)
{
	return cr_make_param_array(struct bad_args, bad, sizeof(bad) / sizeof(bad[0]));
}

ParameterizedTest(struct bad_args *b, quiz, bad_input)
{
	const char *argv[4];
	int argc = 0;
	struct run_result r;

	while (argc < 4 && b->args[argc][0]) {
		argv[argc] = b->args[argc];
		argc++;
	}
	cr_assert_eq(run_mmusim_argv(&r, argc, argv), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.out, "");
	cr_expect_str_eq(r.err, b->err);
	run_result_free(&r);
}

/*
 * Memory smaller than the huge page the quiz maps (toy: 2K = 32 PTEs x 64-byte
 * pages; Sv39: 2M): a clear refusal, never a division by zero.
 */
Test(quiz, memory_smaller_than_a_huge_page_is_refused)
{
	static const struct {
		const char *yaml, *err;
	} cases[] = {
		{ "extends: toy\nname: toy-1k\nmemory: { size: 1K }\n",
		  "mmusim: config toy-1k is too small for a quiz: its memory (1K) cannot hold the 2K huge page it maps\n" },
		{ "extends: sv39\nname: sv39-1m\nmemory: { size: 1M }\n",
		  "mmusim: config sv39-1m is too small for a quiz: its memory (1M) cannot hold the 2M huge page it maps\n" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *cfg = write_temp_file(cases[i].yaml, ".yaml");
		struct run_result r;

		cr_assert_eq(run_mmusim(&r, "quiz", "--seed", "1", "--config", cfg, NULL), 0);
		cr_expect_eq(r.status, 2, "%s: killed or wrong status %d", cases[i].yaml, r.status);
		cr_expect_str_eq(r.out, "");
		cr_expect_str_eq(r.err, cases[i].err);
		run_result_free(&r);
		remove_temp_file(cfg);
	}
}

/*
 * AArch64: the supervisor-only page lies in TTBR1's half (VA bits 63:48 all
 * ones at 48 bits, Arm ARM D8.2), the user pages in TTBR0's (all zeros); the
 * quiz prints both roots and both tables.
 */
Test(quiz, aarch64_two_roots)
{
	mmusim_config *cfg;
	mmusim_error err = { 0 };
	static struct quiz q;
	struct run_result r;

	cr_assert_eq(mmusim_config_load("aarch64", &cfg, &err), MMUSIM_OK, "%s", err.message);
	for (uint64_t seed = 1; seed <= 10; seed++) {
		unsigned upper = 0;

		cr_assert_eq(quiz_generate(cfg, seed, 6, &q, &err), MMUSIM_OK, "%s", err.message);
		for (unsigned i = 0; i < q.nr_maps; i++) {
			bool kernel = !(q.maps[i].flags & MMUSIM_PROP_U);
			cr_expect_eq(q.maps[i].va >> 48, kernel ? 0xffffu : 0u, "seed %llu: map %u va 0x%llx",
				     (unsigned long long)seed, i, (unsigned long long)q.maps[i].va);
			upper += kernel;
		}
		cr_expect_eq(upper, 1, "seed %llu: %u kernel pages", (unsigned long long)seed, upper);
		quiz_free(&q);
	}
	mmusim_config_free(cfg);
	cr_assert_eq(run_mmusim(&r, "quiz", "--seed", "5", "--arch", "aarch64", NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "roots: TTBR0 (user) 0x40001000 (ttbr0 = 0x40001000), TTBR1 (kernel) 0x40000000"
			 " (ttbr1 = 0x40000000)\n"), "%s", r.out);
	cr_expect(strstr(r.out, "\nTTBR0 (user):\nnode 0x40001000 (level 4):\n"), "%s", r.out);
	cr_expect(strstr(r.out, "\nTTBR1 (kernel):\nnode 0x40000000 (level 4):\n"), "%s", r.out);
	run_result_free(&r);
}

/*
 * With TCR_EL1.HA = 0 (and RISC-V Svade) the walk refuses pages whose
 * accessed flag is clear: the quiz asks about one such page (an access flag
 * fault, Arm DFSC 0b001011 at level 3), the other pages being accessed.
 */
Test(quiz, access_flag_questions)
{
	static const char *const yaml[] = { "extends: aarch64\ncpu: { ha: false }\n",
					     "extends: sv39\ncpu: { ad: svade }\n" };
	static struct quiz q;

	for (unsigned c = 0; c < 2; c++) {
		mmusim_config *cfg;
		mmusim_error err = { 0 };
		unsigned flag_faults = 0, ok = 0;

		cr_assert_eq(mmusim_config_parse(yaml[c], strlen(yaml[c]), "t.yaml", &cfg, &err), MMUSIM_OK, "%s",
			     err.message);
		cr_assert_eq(quiz_generate(cfg, 7, 12, &q, &err), MMUSIM_OK, "%s", err.message);
		for (unsigned i = 0; i < q.nr_q; i++) {
			const mmusim_translation *t = &q.q[i].answer;
			ok += t->ok;
			if (q.q[i].kind != QUIZ_ACCESS_FLAG)
				continue;
			flag_faults++;
			cr_expect(!t->ok && t->fault_kind == MMUSIM_FAULT_ACCESSED_DIRTY, "%s q%u", yaml[c], i + 1);
			if (c == 0)
				cr_expect_eq(t->fault_code & 0x3f, 0x0b, "ESR 0x%llx", (unsigned long long)t->fault_code);
		}
		cr_expect_geq(flag_faults, 1, "%s: no access flag question", yaml[c]);
		cr_expect_geq(ok, 1, "%s: no page translates", yaml[c]);
		quiz_free(&q);
		mmusim_config_free(cfg);
	}
	/* With HA = 1 (the preset) the hardware sets AF: no such question. */
	mmusim_config *arm;
	mmusim_error err = { 0 };
	cr_assert_eq(mmusim_config_load("aarch64", &arm, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(quiz_generate(arm, 7, 12, &q, &err), MMUSIM_OK, "%s", err.message);
	for (unsigned i = 0; i < q.nr_q; i++)
		cr_expect_neq(q.q[i].kind, QUIZ_ACCESS_FLAG);
	quiz_free(&q);
	mmusim_config_free(arm);
}
