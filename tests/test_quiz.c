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
	{ { "--json", "quiz", "--seed", "1" },
	  "mmusim: quiz: --json, --setup, --map and --image do not apply to a quiz\n" },
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
