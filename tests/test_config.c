/*
 * Tests for sim/config (YAML machine configs) and sim/yaml_tree.
 *
 * Every rule the loader enforces has one test that loads a small inline text
 * named "t.yaml" and asserts the exact "file:line:column: message".  Most use
 * `extends: x86_64` (or sv39) so that only the line under test needs writing;
 * the rest spell out a whole config.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pt/pt_arch.h"
#include "formats/config.h"
#include "formats/yaml_tree.h"
#include "support.h"

/* ---- helpers ---- */

static int load(const char *text, struct machine_config *mc, struct mm_error *err)
{
	memset(err, 0, sizeof(*err));
	return config_load_string(text, strlen(text), "t.yaml", mc, err);
}

static void load_ok(const char *text, struct machine_config *mc)
{
	struct mm_error err;
	int rc = load(text, mc, &err);

	cr_assert_eq(rc, MM_OK, "unexpected error: %s\nfor input:\n%s", err.msg, text);
}

static void expect_error(const char *text, const char *msg)
{
	struct machine_config mc;
	struct mm_error err;
	int rc = load(text, &mc, &err);

	cr_assert_eq(rc, MM_EINVAL, "rc %d for input:\n%s", rc, text);
	cr_assert_eq(err.code, MM_EINVAL);
	cr_assert_str_eq(err.msg, msg, "for input:\n%s", text);
}

/* For messages written by the arch hooks: only the position is ours. */
static void expect_error_at(const char *text, const char *pos)
{
	struct machine_config mc;
	struct mm_error err;
	int rc = load(text, &mc, &err);

	cr_assert_eq(rc, MM_EINVAL, "rc %d for input:\n%s", rc, text);
	cr_assert(strncmp(err.msg, pos, strlen(pos)) == 0, "got '%s', expected it to start with '%s'",
		  err.msg, pos);
}

static void load_preset(const char *name, struct machine_config *mc)
{
	struct mm_error err = { 0 };
	int rc = config_load_preset(name, mc, &err);

	cr_assert_eq(rc, MM_OK, "preset %s: %s", name, err.msg);
}

static void assert_kind(const struct pt_kind_config *k, unsigned start, unsigned end, bool unmap)
{
	cr_assert_eq(k->top_start, start);
	cr_assert_eq(k->top_end, end);
	cr_assert_eq(k->top_can_unmap, unmap);
}

static void assert_same_config(const struct machine_config *a, const struct machine_config *b)
{
	cr_assert_str_eq(a->name, b->name);
	cr_assert_eq(a->arch, b->arch);
	cr_assert_eq(a->pc.base_page_size, b->pc.base_page_size);
	cr_assert_eq(a->pc.nr_levels, b->pc.nr_levels);
	cr_assert_eq(a->pc.pte_size, b->pc.pte_size);
	cr_assert_eq(a->pc.address_width, b->pc.address_width);
	cr_assert_eq(a->pc.va_sign_ext, b->pc.va_sign_ext);
	cr_assert_eq(a->pc.highest_translation_level, b->pc.highest_translation_level);
	cr_assert_eq(a->pc.phys_addr_width, b->pc.phys_addr_width);
	cr_assert_eq(a->pc.page_shift, b->pc.page_shift);
	cr_assert_eq(a->pc.index_bits, b->pc.index_bits);
	cr_assert_eq(a->pc.nr_entries, b->pc.nr_entries);
	cr_assert_eq(a->mem_base, b->mem_base);
	cr_assert_eq(a->mem_size, b->mem_size);
	assert_kind(&a->user, b->user.top_start, b->user.top_end, b->user.top_can_unmap);
	assert_kind(&a->kernel, b->kernel.top_start, b->kernel.top_end, b->kernel.top_can_unmap);
	cr_assert_eq(a->cpu.wp, b->cpu.wp);
	cr_assert_eq(a->cpu.nxe, b->cpu.nxe);
	cr_assert_eq(a->cpu.smep, b->cpu.smep);
	cr_assert_eq(a->cpu.smap, b->cpu.smap);
	cr_assert_eq(a->cpu.pke, b->cpu.pke);
	cr_assert_eq(a->cpu.pkru, b->cpu.pkru);
	cr_assert_eq(a->cpu.sum, b->cpu.sum);
	cr_assert_eq(a->cpu.mxr, b->cpu.mxr);
	cr_assert_eq(a->cpu.ad, b->cpu.ad);
	cr_assert_eq(a->cpu.svpbmt, b->cpu.svpbmt);
	cr_assert_eq(a->cpu.svnapot, b->cpu.svnapot);
}

#define GiB (1ull << 30)

/* Lines 1-9 of a whole x86-64 config: name, arch and the paging constants. */
#define X86_CONSTS                           \
	"name: custom\n"                     \
	"arch: x86_64\n"                     \
	"base_page_size: 4096\n"             \
	"nr_levels: 4\n"                     \
	"pte_size: 8\n"                      \
	"address_width: 48\n"                \
	"va_sign_ext: true\n"                \
	"highest_translation_level: 2\n"     \
	"phys_addr_width: 40\n"

#define X86_MEMORY "memory: {base: 1M, size: 0x40000000}\n"

#define X86_PAGE_TABLES                                                          \
	"page_tables:\n"                                                         \
	"  user: {top_level_index_range: [0, 128], top_level_can_unmap: true}\n" \
	"  kernel: {top_level_index_range: [384, 512], top_level_can_unmap: false}\n"

/* ---- presets ---- */

Test(config_presets, names_lists_all)
{
	static const char *const expect[] = { "aarch64", "aarch64_16k", "aarch64_52", "aarch64_64k", "aarch64_vm", "ostep", "sv32",
					      "sv39", "sv39x4", "sv48", "sv48x4", "sv57", "toy", "x86_32", "x86_64", "x86_64_ept", "x86_64_la57", "x86_64_npt" };
	const size_t count = sizeof(expect) / sizeof(expect[0]);
	const char *const *names = config_preset_names();
	size_t n = 0;

	while (names[n])
		n++;
	cr_assert_eq(n, count);
	for (size_t i = 0; i < count; i++) {
		cr_assert_str_eq(names[i], expect[i]);
		cr_assert_not_null(config_preset_text(names[i]));
	}
	cr_assert_null(config_preset_text("sv40"));
}

Test(config_presets, x86_64)
{
	struct machine_config mc;

	load_preset("x86_64", &mc);
	cr_assert_str_eq(mc.name, "x86_64");
	cr_assert_eq(mc.arch, &pt_arch_x86_64);
	cr_assert_eq(mc.pc.base_page_size, 4096);
	cr_assert_eq(mc.pc.nr_levels, 4);
	cr_assert_eq(mc.pc.pte_size, 8);
	cr_assert_eq(mc.pc.address_width, 48);
	cr_assert(mc.pc.va_sign_ext);
	cr_assert_eq(mc.pc.highest_translation_level, 3);
	cr_assert_eq(mc.pc.phys_addr_width, 52);
	cr_assert_eq(mc.pc.page_shift, 12);
	cr_assert_eq(mc.pc.index_bits, 9);
	cr_assert_eq(mc.pc.nr_entries, 512);
	cr_assert_eq(mc.mem_base, 0);
	cr_assert_eq(mc.mem_size, 64 * GiB);
	assert_kind(&mc.user, 0, 256, true);
	assert_kind(&mc.kernel, 256, 512, false);
	cr_assert(mc.cpu.wp);
	cr_assert(mc.cpu.nxe);
	cr_assert_not(mc.cpu.smep);
	cr_assert_not(mc.cpu.smap);
	cr_assert_not(mc.cpu.pke);
	cr_assert_eq(mc.cpu.pkru, 0);
}

Test(config_presets, x86_64_la57)
{
	struct machine_config mc;

	load_preset("x86_64_la57", &mc);
	cr_assert_str_eq(mc.name, "x86_64_la57");
	cr_assert_eq(mc.arch, &pt_arch_x86_64);
	cr_assert_eq(mc.pc.nr_levels, 5);
	cr_assert_eq(mc.pc.address_width, 57);
	cr_assert_eq(mc.pc.highest_translation_level, 3);
	cr_assert_eq(mc.pc.phys_addr_width, 52);
	cr_assert_eq(mc.mem_size, 64 * GiB);
	assert_kind(&mc.user, 0, 256, true);
	assert_kind(&mc.kernel, 256, 512, false);
	cr_assert(mc.cpu.wp);
	cr_assert(mc.cpu.nxe);
}

static void assert_riscv_common(const struct machine_config *mc)
{
	cr_assert_eq(mc->arch, &pt_arch_riscv64);
	cr_assert_eq(mc->pc.base_page_size, 4096);
	cr_assert_eq(mc->pc.pte_size, 8);
	cr_assert(mc->pc.va_sign_ext);
	cr_assert_eq(mc->pc.phys_addr_width, 56);
	cr_assert_eq(mc->pc.index_bits, 9);
	cr_assert_eq(mc->mem_base, 0x80000000);
	cr_assert_eq(mc->mem_size, 64 * GiB);
	assert_kind(&mc->user, 0, 256, true);
	assert_kind(&mc->kernel, 256, 512, false);
	cr_assert_not(mc->cpu.sum);
	cr_assert_not(mc->cpu.mxr);
	cr_assert_eq(mc->cpu.ad, AD_SVADU);
	cr_assert(mc->cpu.svpbmt);
	cr_assert(mc->cpu.svnapot);
}

Test(config_presets, sv39)
{
	struct machine_config mc;

	load_preset("sv39", &mc);
	cr_assert_str_eq(mc.name, "sv39");
	cr_assert_eq(mc.pc.nr_levels, 3);
	cr_assert_eq(mc.pc.address_width, 39);
	cr_assert_eq(mc.pc.highest_translation_level, 3);
	assert_riscv_common(&mc);
}

Test(config_presets, sv48)
{
	struct machine_config mc;

	load_preset("sv48", &mc);
	cr_assert_str_eq(mc.name, "sv48");
	cr_assert_eq(mc.pc.nr_levels, 4);
	cr_assert_eq(mc.pc.address_width, 48);
	cr_assert_eq(mc.pc.highest_translation_level, 4);
	assert_riscv_common(&mc);
}

Test(config_presets, sv57)
{
	struct machine_config mc;

	load_preset("sv57", &mc);
	cr_assert_str_eq(mc.name, "sv57");
	cr_assert_eq(mc.pc.nr_levels, 5);
	cr_assert_eq(mc.pc.address_width, 57);
	cr_assert_eq(mc.pc.highest_translation_level, 5);
	assert_riscv_common(&mc);
}

Test(config_presets, config_load_finds_every_preset_by_name)
{
	for (const char *const *n = config_preset_names(); *n; n++) {
		struct machine_config mc;
		struct mm_error err = { 0 };

		cr_assert_eq(config_load(*n, &mc, &err), MM_OK, "%s: %s", *n, err.msg);
		cr_assert_str_eq(mc.name, *n);
	}
}

Test(config_presets, unknown_preset_name)
{
	struct machine_config mc;
	struct mm_error err = { 0 };

	cr_assert_eq(config_load_preset("sv40", &mc, &err), MM_EINVAL);
	cr_assert_str_eq(err.msg,
			 "unknown preset 'sv40' (known: aarch64, aarch64_16k, aarch64_52, aarch64_64k, aarch64_vm, ostep, sv32, sv39, sv39x4, sv48, sv48x4, sv57, toy, x86_32, x86_64, x86_64_ept, x86_64_la57, x86_64_npt)");
}

/* ---- extends ---- */

Test(config_extends, one_override_changes_only_that_key)
{
	struct machine_config base, mc;

	load_preset("sv39", &base);
	load_ok("extends: sv39\n"
		"memory: {size: 1G}\n",
		&mc);
	cr_assert_eq(mc.mem_size, 1 * GiB);
	cr_assert_eq(mc.mem_base, 0x80000000, "the sibling key of memory stays");
	base.mem_size = 1 * GiB;
	assert_same_config(&mc, &base);
}

Test(config_extends, list_replaces_the_preset_list)
{
	struct machine_config base, mc;

	load_preset("x86_64", &base);
	load_ok("extends: x86_64\n"
		"page_tables:\n"
		"  user: {top_level_index_range: [0, 128]}\n",
		&mc);
	/* Appended, the list would be [0, 256, 0, 128] and rejected. */
	assert_kind(&mc.user, 0, 128, true);
	base.user.top_end = 128;
	assert_same_config(&mc, &base);
}

Test(config_extends, maps_merge_key_by_key)
{
	struct machine_config mc;

	load_ok("extends: x86_64\n"
		"cpu: {smep: true, pkru: 0x0c}\n",
		&mc);
	cr_assert(mc.cpu.smep);
	cr_assert_eq(mc.cpu.pkru, 0xc);
	cr_assert(mc.cpu.wp, "keys the file does not name keep the preset's value");
	cr_assert(mc.cpu.nxe);
}

Test(config_extends, may_come_after_other_keys)
{
	struct machine_config mc;

	load_ok("name: mine\n"
		"extends: sv48\n",
		&mc);
	cr_assert_str_eq(mc.name, "mine");
	cr_assert_eq(mc.pc.nr_levels, 4);
	cr_assert_eq(mc.arch, &pt_arch_riscv64);
}

Test(config_extends, unknown_preset)
{
	expect_error("extends: sv40\n",
		     "t.yaml:1:10: unknown preset 'sv40' in extends "
		     "(known: aarch64, aarch64_16k, aarch64_52, aarch64_64k, aarch64_vm, ostep, sv32, sv39, sv39x4, sv48, sv48x4, sv57, toy, x86_32, x86_64, x86_64_ept, x86_64_la57, x86_64_npt)");
}

/* A file cannot be extended, only a preset: say so, and name the preset a configs/ file is. */
Test(config_extends, a_file_is_not_a_preset)
{
	expect_error("extends: configs/sv39.yaml\n",
		     "t.yaml:1:10: extends takes a preset name, not a file: 'configs/sv39.yaml' (did you mean 'extends: sv39'?)");
	expect_error("extends: x86_64.yml\n",
		     "t.yaml:1:10: extends takes a preset name, not a file: 'x86_64.yml' (did you mean 'extends: x86_64'?)");
	expect_error("extends: ./mine.yaml\n",
		     "t.yaml:1:10: extends takes a preset name, not a file: './mine.yaml' "
		     "(known: aarch64, aarch64_16k, aarch64_52, aarch64_64k, aarch64_vm, ostep, sv32, sv39, sv39x4, sv48, sv48x4, sv57, toy, x86_32, x86_64, x86_64_ept, x86_64_la57, x86_64_npt)");
}

Test(config_extends, value_must_be_a_name)
{
	expect_error("extends: [sv39]\n", "t.yaml:1:10: expected a preset name for extends");
}

Test(config_extends, error_blames_the_key_the_file_wrote)
{
	/* address_width comes from the preset; the file changed nr_levels. */
	expect_error("extends: x86_64\n"
		     "nr_levels: 5\n",
		     "t.yaml:2:12: address_width 48 != nr_levels 5 x index bits 9 + offset bits 12");
}

Test(config_extends, preset_cpu_key_under_another_arch_blames_the_arch)
{
	/*
	 * The cpu mapping is sv39's, and its RISC-V keys no longer apply: two keys
	 * meet, so the one the file wrote (arch) is blamed, the preset's named.
	 */
	expect_error("extends: sv39\n"
		     "arch: x86_64\n"
		     "nr_levels: 4\n"
		     "address_width: 48\n"
		     "phys_addr_width: 52\n",
		     "t.yaml:2:7: arch x86_64 does not take cpu key 'sum' of the preset extended (sv39.yaml:17): "
		     "extend a preset of arch x86_64");
}

Test(config_extends, arch_rule_blames_the_key_the_file_wrote)
{
	/* x86-64 has no 512 GiB pages; the message is pt_arch_x86_64's. */
	expect_error_at("extends: x86_64\n"
			"highest_translation_level: 4\n",
			"t.yaml:2:28: ");
}

Test(yaml_tree, merge_replaces_lists_and_scalars_and_merges_maps)
{
	static const char base_text[] = "a: [1, 2, 3]\nb: {x: 1, y: 2}\nc: keep\n";
	static const char over_text[] = "a: [4]\nb: {y: 3, z: 4}\nd: new\n";
	struct ytree t;
	struct ynode *base, *over, *m;
	const struct ynode *a, *b;
	struct mm_error err = { 0 };

	ytree_init(&t);
	cr_assert_eq(ytree_parse(&t, base_text, strlen(base_text), "base.yaml", &base, &err), MM_OK);
	cr_assert_eq(ytree_parse(&t, over_text, strlen(over_text), "over.yaml", &over, &err), MM_OK);
	cr_assert_eq(ytree_merge(&t, base, over, &m, &err), MM_OK);
	cr_assert_eq(m->count, 4);
	a = ynode_get(m, "a");
	cr_assert_eq(a->count, 1);
	cr_assert_str_eq(ynode_item(a, 0)->str, "4");
	cr_assert_str_eq(a->file, "over.yaml");
	b = ynode_get(m, "b");
	cr_assert_eq(b->count, 3);
	cr_assert_str_eq(ynode_get(b, "x")->str, "1");
	cr_assert_str_eq(ynode_get(b, "y")->str, "3");
	cr_assert_str_eq(ynode_get(b, "z")->str, "4");
	cr_assert_str_eq(ynode_get(m, "c")->str, "keep");
	cr_assert_str_eq(ynode_get(m, "d")->str, "new");
	/* The inputs are left as they were. */
	cr_assert_eq(ynode_get(base, "a")->count, 3);
	cr_assert_eq(ynode_get(base, "b")->count, 2);
	cr_assert_null(ynode_get(base, "d"));
	ytree_free(&t);
}

/* ---- files ---- */

Test(config_file, loads_a_real_file)
{
	char *path = write_temp_file(X86_CONSTS X86_MEMORY X86_PAGE_TABLES, ".yaml");
	struct machine_config mc;
	struct mm_error err = { 0 };

	cr_assert_not_null(path);
	cr_assert_eq(config_load(path, &mc, &err), MM_OK, "%s", err.msg);
	cr_assert_str_eq(mc.name, "custom");
	cr_assert_eq(mc.mem_base, 1u << 20);
	cr_assert_eq(mc.mem_size, 1 * GiB);
	cr_assert_eq(mc.pc.highest_translation_level, 2);
	assert_kind(&mc.kernel, 384, 512, false);
	remove_temp_file(path);
}

Test(config_file, errors_name_the_path)
{
	char *path = write_temp_file("extends: x86_64\nnr_levels: x\n", ".yaml");
	struct machine_config mc;
	struct mm_error err = { 0 };
	char expect[256];

	cr_assert_not_null(path);
	cr_assert_eq(config_load_file(path, &mc, &err), MM_EINVAL);
	snprintf(expect, sizeof(expect), "%s:2:12: expected a number for nr_levels", path);
	cr_assert_str_eq(err.msg, expect);
	remove_temp_file(path);
}

Test(config_file, missing_file_is_eio)
{
	struct machine_config mc;
	struct mm_error err = { 0 };

	cr_assert_eq(config_load_file("/nonexistent/dir/m.yaml", &mc, &err), MM_EIO);
	cr_assert_eq(err.code, MM_EIO);
	cr_assert_str_eq(err.msg, "/nonexistent/dir/m.yaml: cannot open: No such file or directory");
}

/* config_load takes a preset name or a path: when it is neither, it names the presets. */
Test(config_file, neither_file_nor_preset_lists_the_presets)
{
	struct machine_config mc;
	struct mm_error err = { 0 };

	cr_assert_eq(config_load("x86-64", &mc, &err), MM_EIO);
	cr_assert_eq(err.code, MM_EIO);
	cr_assert_str_eq(err.msg, "x86-64: no such file or preset (presets: aarch64, aarch64_16k, aarch64_52, aarch64_64k, aarch64_vm, ostep, sv32, sv39, sv39x4, sv48, sv48x4, sv57, toy, x86_32, x86_64, x86_64_ept, x86_64_la57, x86_64_npt)");
	cr_assert_eq(config_load("/nonexistent/dir/m.yaml", &mc, &err), MM_EIO);
	cr_assert_str_eq(err.msg, "/nonexistent/dir/m.yaml: no such file or preset (presets: aarch64, aarch64_16k, aarch64_52, aarch64_64k, aarch64_vm, ostep, sv32, sv39, sv39x4, sv48, sv48x4, sv57, toy, x86_32, x86_64, x86_64_ept, x86_64_la57, x86_64_npt)");
}

Test(config_file, directory_is_eio)
{
	struct machine_config mc;
	struct mm_error err = { 0 };

	cr_assert_eq(config_load_file("/tmp", &mc, &err), MM_EIO);
	cr_assert_str_eq(err.msg, "/tmp: cannot read: Is a directory");
}

/* ---- values that load ---- */

Test(config_values, whole_config_without_extends)
{
	struct machine_config mc;

	load_ok(X86_CONSTS X86_MEMORY X86_PAGE_TABLES, &mc);
	cr_assert_str_eq(mc.name, "custom");
	cr_assert_eq(mc.pc.phys_addr_width, 40);
	assert_kind(&mc.user, 0, 128, true);
	/* cpu is optional: every bit off, PKRU 0, A/D by hardware. */
	cr_assert_not(mc.cpu.wp);
	cr_assert_not(mc.cpu.nxe);
	cr_assert_eq(mc.cpu.pkru, 0);
	cr_assert_eq(mc.cpu.ad, AD_SVADU);
}

/* By value: Criterion runs each parameter in a fresh process (no pointers across). */
struct number_vector {
	char text[16];
	unsigned long long value;
};

ParameterizedTestParameters(config_values, numbers)
{
	static struct number_vector v[] = {
		{ "4096", 4096 },
		{ "0x1000", 4096 },
		{ "0X1000", 4096 },
		{ "4K", 4096 },
		{ "4KiB", 4096 },
		{ "0x1K", 1024 },
		{ "3M", 3ull << 20 },
		{ "3MiB", 3ull << 20 },
		{ "64G", 64ull << 30 },
		{ "64GiB", 64ull << 30 },
		{ "2T", 2ull << 40 },
		{ "2TiB", 2ull << 40 },
		{ "0xffffffff", 0xffffffff },
		{ "0", 0 },
		{ "00012", 12 },
	};
	return cr_make_param_array(struct number_vector, v, sizeof(v) / sizeof(v[0]));
}

ParameterizedTest(struct number_vector *v, config_values, numbers)
{
	char text[128];
	struct machine_config mc;

	/* pkru takes any 32-bit number. */
	snprintf(text, sizeof(text), "extends: x86_64\ncpu: {pkru: %s}\n", v->text);
	if (v->value > 0xffffffffull)
		snprintf(text, sizeof(text), "extends: x86_64\nmemory: {size: %s}\n", v->text);
	load_ok(text, &mc);
	if (v->value > 0xffffffffull)
		cr_assert_eq(mc.mem_size, v->value, "%s", v->text);
	else
		cr_assert_eq(mc.cpu.pkru, v->value, "%s", v->text);
}

Test(config_values, booleans)
{
	struct machine_config mc;

	load_ok("extends: x86_64\n"
		"cpu: {wp: no, nxe: False, smep: yes, smap: TRUE, pke: true}\n",
		&mc);
	cr_assert_not(mc.cpu.wp);
	cr_assert_not(mc.cpu.nxe);
	cr_assert(mc.cpu.smep);
	cr_assert(mc.cpu.smap);
	cr_assert(mc.cpu.pke);
}

Test(config_values, riscv_cpu_bits)
{
	struct machine_config mc;

	load_ok("extends: sv39\n"
		"cpu: {sum: true, mxr: true, ad: svade, svpbmt: false, svnapot: false}\n",
		&mc);
	cr_assert(mc.cpu.sum);
	cr_assert(mc.cpu.mxr);
	cr_assert_eq(mc.cpu.ad, AD_SVADE);
	cr_assert_not(mc.cpu.svpbmt);
	cr_assert_not(mc.cpu.svnapot);
}

Test(config_caches, tlb_pwc_and_latency_parsed)
{
	struct machine_config mc;

	load_ok("extends: x86_64\n"
		"tlb:\n"
		"  - {name: l1d, level: 1, kind: data, entries: 64, ways: 4, page_sizes: [4K, 2M],\n"
		"     replacement: fifo, latency: 2}\n"
		"  - {name: stlb, level: 2, kind: unified, entries: 8, page_sizes: [1G], replacement: random, seed: 7}\n"
		"pwc: [{level: 4, entries: 2, ways: 2, latency: 3}, {level: 2, entries: 32, ways: 4}]\n"
		"memory_latency: 42\n",
		&mc);
	cr_assert_eq(mc.nr_tlb, 2);
	cr_expect_str_eq(mc.tlb[0].name, "l1d");
	cr_expect_eq(mc.tlb[0].level, 1);
	cr_expect_eq(mc.tlb[0].kind, TLB_DATA);
	cr_expect_eq(mc.tlb[0].entries, 64);
	cr_expect_eq(mc.tlb[0].ways, 4);
	cr_expect_eq(mc.tlb[0].shift_mask, (1ull << 12) | (1ull << 21));
	cr_expect_eq(mc.tlb[0].replacement, REPL_FIFO);
	cr_expect_eq(mc.tlb[0].latency, 2);
	cr_expect_eq(mc.tlb[1].ways, 8, "ways defaults to entries (fully associative)");
	cr_expect_eq(mc.tlb[1].shift_mask, 1ull << 30);
	cr_expect_eq(mc.tlb[1].replacement, REPL_RANDOM);
	cr_expect_eq(mc.tlb[1].seed, 7);
	cr_expect_eq(mc.tlb[1].latency, 1, "latency defaults to 1");
	cr_assert_eq(mc.nr_pwc, 2);
	cr_expect_eq(mc.pwc[0].level, 4);
	/* a level-4 entry covers 512 GiB = 2^39; a level-2 entry 2 MiB = 2^21 */
	cr_expect_eq(mc.pwc[0].shift_mask, 1ull << 39);
	cr_expect_eq(mc.pwc[1].shift_mask, 1ull << 21);
	cr_expect_eq(mc.pwc[0].latency, 3);
	cr_expect_eq(mc.memory_latency, 42);
}

Test(config_caches, presets_have_realistic_caches)
{
	struct machine_config mc;

	/* Skylake (optimization manual table 2-15): an array per page size and level. */
	static const struct { const char *name; unsigned level; enum tlb_kind kind; unsigned entries, ways;
			      uint64_t sizes; unsigned latency; } skylake[] = {
		{ "l1i", 1, TLB_INSTRUCTION, 128, 8, 1ull << 12, 1 },
		{ "l1d", 1, TLB_DATA, 64, 4, 1ull << 12, 1 },
		{ "l1i_2m", 1, TLB_INSTRUCTION, 8, 8, 1ull << 21, 1 },
		{ "l1d_2m", 1, TLB_DATA, 32, 4, 1ull << 21, 1 },
		{ "l1d_1g", 1, TLB_DATA, 4, 4, 1ull << 30, 1 },
		{ "stlb", 2, TLB_UNIFIED, 1536, 12, (1ull << 12) | (1ull << 21), 9 },
		{ "stlb_1g", 2, TLB_UNIFIED, 16, 4, 1ull << 30, 9 },
	};
	for (unsigned p = 0; p < 2; p++) {
		load_preset(p ? "x86_64_la57" : "x86_64", &mc);
		cr_assert_eq(mc.nr_tlb, 7);
		for (unsigned i = 0; i < 7; i++) {
			cr_expect_str_eq(mc.tlb[i].name, skylake[i].name);
			cr_expect_eq(mc.tlb[i].level, skylake[i].level, "%s", skylake[i].name);
			cr_expect_eq(mc.tlb[i].kind, skylake[i].kind, "%s", skylake[i].name);
			cr_expect_eq(mc.tlb[i].entries, skylake[i].entries, "%s", skylake[i].name);
			cr_expect_eq(mc.tlb[i].ways, skylake[i].ways, "%s", skylake[i].name);
			cr_expect_eq(mc.tlb[i].shift_mask, skylake[i].sizes, "%s", skylake[i].name);
			cr_expect_eq(mc.tlb[i].latency, skylake[i].latency, "%s", skylake[i].name);
		}
	}
	load_preset("x86_64", &mc);
	cr_expect_eq(mc.nr_pwc, 3);
	cr_expect_eq(mc.memory_latency, 100);
	load_preset("sv39", &mc);
	cr_expect_geq(mc.nr_tlb, 3);
}

struct cache_rule {
	char yaml[300];
	char msg[200];
};

static const struct cache_rule cache_rules[] = {
	{ "tlb: [{level: 1, kind: data, entries: 4, page_sizes: [4K]}]",
	  "t.yaml:2:7: missing key 'name' in tlb[0]" },
	{ "tlb: [{name: a, level: 3, kind: data, entries: 4, page_sizes: [4K]}]",
	  "t.yaml:2:24: tlb[0].level must be 1 or 2" },
	{ "tlb: [{name: a, level: 1, kind: both, entries: 4, page_sizes: [4K]}]",
	  "t.yaml:2:33: unknown value 'both' for tlb[0].kind (expected instruction | data | unified)" },
	{ "tlb: [{name: a, level: 1, kind: data, entries: 0, page_sizes: [4K]}]",
	  "t.yaml:2:48: tlb[0].entries must be at least 1" },
	{ "tlb: [{name: a, level: 1, kind: data, entries: 6, ways: 4, page_sizes: [4K]}]",
	  "t.yaml:2:57: tlb[0].ways must divide entries (6)" },
	{ "tlb: [{name: a, level: 1, kind: data, entries: 12, ways: 4, page_sizes: [4K]}]",
	  "t.yaml:2:58: tlb[0]: entries / ways = 3 sets, which is not a power of two" },
	{ "tlb: [{name: a, level: 1, kind: data, entries: 4, page_sizes: []}]",
	  "t.yaml:2:63: tlb[0].page_sizes must name at least one page size" },
	{ "tlb: [{name: a, level: 1, kind: data, entries: 4, page_sizes: [4K], replacement: lfu}]",
	  "t.yaml:2:82: unknown value 'lfu' for tlb[0].replacement (expected lru | fifo | random | plru | srrip)" },
	{ "tlb: [{name: a, level: 1, kind: data, entries: 4, page_sizes: [4K], colour: red}]",
	  "t.yaml:2:69: unknown key 'colour' in tlb[0]" },
	{ "tlb: [{name: a, level: 1, kind: data, entries: 4, page_sizes: [4K]},\n"
	  "      {name: a, level: 2, kind: data, entries: 4, page_sizes: [4K]}]",
	  "t.yaml:3:14: duplicate TLB name 'a'" },
	/* Arrays of one level and access type may not share a page size (a fill needs one home). */
	{ "tlb: [{name: a, level: 1, kind: unified, entries: 4, page_sizes: [4K]},\n"
	  "      {name: b, level: 1, kind: instruction, entries: 4, page_sizes: [4K]}]",
	  "t.yaml:3:70: TLBs 'a' and 'b' both hold 4096-byte pages for instruction accesses at level 1" },
	{ "tlb: [{name: a, level: 1, kind: data, entries: 4, page_sizes: [4K, 2M]},\n"
	  "      {name: b, level: 1, kind: data, entries: 4, page_sizes: [2M, 1G]}]",
	  "t.yaml:3:63: TLBs 'a' and 'b' both hold 2097152-byte pages for data accesses at level 1" },
	{ "tlb: [{name: a, level: 2, kind: data, entries: 4, page_sizes: [1G]},\n"
	  "      {name: b, level: 2, kind: unified, entries: 4, page_sizes: [4K, 1G]}]",
	  "t.yaml:3:66: TLBs 'a' and 'b' both hold 1073741824-byte pages for data accesses at level 2" },
	{ "pwc: [{level: 1, entries: 4}]", "t.yaml:2:15: pwc[0].level must be between 2 and nr_levels (4)" },
	{ "pwc: [{level: 5, entries: 4}]", "t.yaml:2:15: pwc[0].level must be between 2 and nr_levels (4)" },
	{ "pwc: [{level: 3, entries: 4}, {level: 3, entries: 2}]",
	  "t.yaml:2:39: a second paging-structure cache for level 3" },
	{ "pwc: [{level: 3}]", "t.yaml:2:7: missing key 'entries' in pwc[0]" },
	{ "memory_latency: fast", "t.yaml:2:17: expected a number for memory_latency" },
	{ "tlb: {name: a}", "t.yaml:2:6: expected a sequence for tlb" },
	{ "tlb: [{name: a, level: 1, kind: unified, entries: 1048576, page_sizes: [4K]},\n"
	  "      {name: b, level: 2, kind: unified, entries: 1048576, page_sizes: [4K]}]\n"
	  "pwc: [{level: 2, entries: 1048576}, {level: 3, entries: 1048576}, {level: 4, entries: 1048576}]",
	  "t.yaml:2:6: TLBs and PWCs hold 5242880 entries in all; at most 4194304 per CPU" },
};

ParameterizedTestParameters(config_caches, rules)
{
	return cr_make_param_array(struct cache_rule, cache_rules, sizeof(cache_rules) / sizeof(cache_rules[0]));
}

/* One test per TLB/PWC rule, each at its exact position. */
ParameterizedTest(const struct cache_rule *c, config_caches, rules)
{
	char text[400];

	snprintf(text, sizeof(text), "extends: x86_64\n%s\n", c->yaml);
	expect_error(text, c->msg);
}

/*
 * The leaf sizes each preset's paging constants allow are base_page_size <<
 * (L-1) * index_bits for L = 1 .. highest_translation_level: x86-64 4K 2M 1G
 * (SDM 4.5), Sv32 4K 4M, Sv39 4K 2M 1G, x86_32 4K 4M (SDM 4.3), toy 64 2K.
 * A TLB for any other size could never hold a translation.
 */
struct leaf_size_case {
	char preset[16];
	char size[8];
	char msg[200];
};

static const struct leaf_size_case bad_leaf_sizes[] = {
	{ "x86_64", "0", "t.yaml:2:64: page size 0 in tlb[0].page_sizes is not a page size of these paging constants (4096, 2097152, 1073741824)" },
	{ "x86_64", "8K", "t.yaml:2:64: page size 8192 in tlb[0].page_sizes is not a page size of these paging constants (4096, 2097152, 1073741824)" },
	{ "x86_64", "4M", "t.yaml:2:64: page size 4194304 in tlb[0].page_sizes is not a page size of these paging constants (4096, 2097152, 1073741824)" },
	{ "x86_64", "12K", "t.yaml:2:64: page size 12288 in tlb[0].page_sizes is not a page size of these paging constants (4096, 2097152, 1073741824)" },
	{ "x86_64", "2K", "t.yaml:2:64: page size 2048 in tlb[0].page_sizes is not a page size of these paging constants (4096, 2097152, 1073741824)" },
	{ "x86_64", "2G", "t.yaml:2:64: page size 2147483648 in tlb[0].page_sizes is not a page size of these paging constants (4096, 2097152, 1073741824)" },
	/* A level-4 leaf would map 512G, but highest_translation_level is 3. */
	{ "x86_64", "512G", "t.yaml:2:64: page size 549755813888 in tlb[0].page_sizes is not a page size of these paging constants (4096, 2097152, 1073741824)" },
	{ "x86_64_la57", "256T", "t.yaml:2:64: page size 281474976710656 in tlb[0].page_sizes is not a page size of these paging constants (4096, 2097152, 1073741824)" },
	{ "sv32", "2M", "t.yaml:2:64: page size 2097152 in tlb[0].page_sizes is not a page size of these paging constants (4096, 4194304)" },
	{ "sv32", "1G", "t.yaml:2:64: page size 1073741824 in tlb[0].page_sizes is not a page size of these paging constants (4096, 4194304)" },
	{ "sv39", "4M", "t.yaml:2:64: page size 4194304 in tlb[0].page_sizes is not a page size of these paging constants (4096, 2097152, 1073741824)" },
	{ "sv39", "64K", "t.yaml:2:64: page size 65536 in tlb[0].page_sizes is not a page size of these paging constants (4096, 2097152, 1073741824)" },
	{ "sv48", "1T", "t.yaml:2:64: page size 1099511627776 in tlb[0].page_sizes is not a page size of these paging constants (4096, 2097152, 1073741824, 549755813888)" },
	{ "x86_32", "2M", "t.yaml:2:64: page size 2097152 in tlb[0].page_sizes is not a page size of these paging constants (4096, 4194304)" },
	{ "toy", "128", "t.yaml:2:64: page size 128 in tlb[0].page_sizes is not a page size of these paging constants (64, 2048)" },
	{ "toy", "4K", "t.yaml:2:64: page size 4096 in tlb[0].page_sizes is not a page size of these paging constants (64, 2048)" },
};

ParameterizedTestParameters(config_caches, page_size_the_paging_constants_cannot_map)
{
	return cr_make_param_array(struct leaf_size_case, bad_leaf_sizes,
				   sizeof(bad_leaf_sizes) / sizeof(bad_leaf_sizes[0]));
}

ParameterizedTest(const struct leaf_size_case *c, config_caches, page_size_the_paging_constants_cannot_map)
{
	char text[200];

	snprintf(text, sizeof(text),
		 "extends: %s\ntlb: [{name: a, level: 1, kind: data, entries: 4, page_sizes: [%s]}]\n",
		 c->preset, c->size);
	expect_error(text, c->msg);
}

/* Every size the constants allow is accepted, alone and together. */
Test(config_caches, every_leaf_size_is_accepted)
{
	static const struct { const char *preset, *sizes; uint64_t mask; } ok[] = {
		{ "x86_64", "[4K, 2M, 1G]", (1ull << 12) | (1ull << 21) | (1ull << 30) },
		{ "x86_64_la57", "[1G]", 1ull << 30 },
		{ "sv32", "[4K, 4M]", (1ull << 12) | (1ull << 22) },
		{ "sv48", "[512G]", 1ull << 39 },
		{ "x86_32", "[4M]", 1ull << 22 },
		{ "toy", "[64, 2K]", (1ull << 6) | (1ull << 11) },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct machine_config mc;
		char text[200];
		snprintf(text, sizeof(text),
			 "extends: %s\ntlb: [{name: a, level: 1, kind: data, entries: 4, page_sizes: %s}]\n",
			 ok[i].preset, ok[i].sizes);
		load_ok(text, &mc);
		cr_expect_eq(mc.tlb[0].shift_mask, ok[i].mask, "%s %s", ok[i].preset, ok[i].sizes);
	}
}

/* Split arrays: one level and kind, disjoint page sizes (Skylake's L1 DTLB). */
Test(config_caches, arrays_of_one_level_with_disjoint_sizes)
{
	struct machine_config mc;

	load_ok("extends: x86_64\n"
		"tlb:\n"
		"  - {name: d4k, level: 1, kind: data, entries: 64, ways: 4, page_sizes: [4K]}\n"
		"  - {name: d2m, level: 1, kind: data, entries: 32, ways: 4, page_sizes: [2M]}\n"
		"  - {name: d1g, level: 1, kind: unified, entries: 4, page_sizes: [1G]}\n"
		"  - {name: i4k, level: 1, kind: instruction, entries: 4, page_sizes: [4K, 2M]}\n",
		&mc);
	cr_expect_eq(mc.nr_tlb, 4);
}

Test(config_values, aliases_resolve_to_their_anchor)
{
	struct machine_config mc;

	load_ok("extends: x86_64\n"
		"cpu: {smep: &on true, smap: *on}\n",
		&mc);
	cr_assert(mc.cpu.smep);
	cr_assert(mc.cpu.smap);
}

Test(config_values, failed_load_leaves_out_untouched)
{
	struct machine_config mc;
	struct mm_error err;

	memset(&mc, 0xa5, sizeof(mc));
	cr_assert_eq(load("extends: x86_64\nmemory: {size: 0}\n", &mc, &err), MM_EINVAL);
	cr_assert_eq(mc.mem_size, 0xa5a5a5a5a5a5a5a5ull);
}

/* ---- one test per rule ---- */

Test(config_errors, yaml_syntax_error)
{
	expect_error("name: [a, b\n"
		     "arch: x86_64\n",
		     "t.yaml:2:5: did not find expected ',' or ']' "
		     "(while parsing a flow sequence at 1:7)");
}

Test(config_errors, yaml_encoding_error)
{
	expect_error("name: ok\n"
		     "arch: \xff\n",
		     "t.yaml:2:7: invalid leading UTF-8 octet (byte 0xff)");
}

Test(config_errors, more_than_one_document)
{
	expect_error("extends: x86_64\n"
		     "---\n"
		     "name: second\n",
		     "t.yaml:2:1: only one YAML document is allowed");
}

Test(config_errors, top_level_not_a_mapping)
{
	expect_error("- x86_64\n", "t.yaml:1:1: expected a mapping at the top level");
}

Test(config_errors, empty_document)
{
	expect_error("# nothing here\n", "t.yaml:1:1: expected a mapping at the top level");
}

Test(config_errors, unknown_key)
{
	expect_error("extends: x86_64\n"
		     "nr_level: 4\n",
		     "t.yaml:2:1: unknown key 'nr_level'");
}

Test(config_errors, unknown_nested_key)
{
	expect_error("extends: x86_64\n"
		     "memory:\n"
		     "  bsae: 0\n",
		     "t.yaml:3:3: unknown key 'bsae' in memory");
}

Test(config_errors, duplicate_key)
{
	expect_error("extends: x86_64\n"
		     "memory: {size: 1G, size: 2G}\n",
		     "t.yaml:2:20: duplicate key 'size'");
}

Test(config_errors, non_scalar_key)
{
	expect_error("extends: x86_64\n"
		     "? [a, b]\n"
		     ": 1\n",
		     "t.yaml:2:3: mapping keys must be scalars");
}

Test(config_errors, unknown_alias)
{
	expect_error("extends: x86_64\n"
		     "cpu: {smep: *on}\n",
		     "t.yaml:2:13: unknown alias '*on'");
}

Test(config_errors, nesting_too_deep)
{
	char text[256] = "tlb: ";

	for (int i = 0; i < 70; i++)
		strcat(text, "[");
	for (int i = 0; i < 70; i++)
		strcat(text, "]");
	/* The root mapping is depth 0, so the 64th '[' (column 69) is too deep. */
	expect_error(text, "t.yaml:1:69: nesting deeper than 64 levels");
}

Test(config_errors, missing_key)
{
	expect_error("name: custom\n"
		     "arch: x86_64\n"
		     "base_page_size: 4096\n"
		     "pte_size: 8\n",
		     "t.yaml:1:1: missing key 'nr_levels' (a config file gives every key, or starts with "
		     "'extends: PRESET', e.g. 'extends: x86_64', and gives only what differs)");
}

/*
 * README's config fragments (a tlb: list alone) are parts of a config: given
 * as a whole file, the error says how to complete it.
 */
Test(config_errors, fragment_without_extends_says_how_to_complete_it)
{
	expect_error("tlb:\n"
		     "  - { name: l1d, level: 1, kind: data, entries: 64, ways: 4, page_sizes: [4K] }\n",
		     "t.yaml:1:1: missing key 'name' (a config file gives every key, or starts with "
		     "'extends: PRESET', e.g. 'extends: x86_64', and gives only what differs)");
}

Test(config_errors, missing_nested_key)
{
	expect_error(X86_CONSTS
		     "memory: {base: 0}\n" X86_PAGE_TABLES,
		     "t.yaml:10:9: missing key 'size' in memory");
}

Test(config_errors, expected_a_number)
{
	expect_error("extends: x86_64\n"
		     "nr_levels: four\n",
		     "t.yaml:2:12: expected a number for nr_levels");
}

Test(config_errors, quoted_number_is_a_string)
{
	expect_error("extends: x86_64\n"
		     "nr_levels: \"4\"\n",
		     "t.yaml:2:12: expected a number for nr_levels");
}

Test(config_errors, number_with_unknown_suffix)
{
	expect_error("extends: x86_64\n"
		     "memory: {size: 64GB}\n",
		     "t.yaml:2:16: expected a number for memory.size");
}

Test(config_errors, number_overflows_64_bits)
{
	expect_error("extends: x86_64\n"
		     "memory: {size: 0x10000000000000000}\n",
		     "t.yaml:2:16: number out of range for memory.size (at most 18446744073709551615)");
}

Test(config_errors, number_suffix_overflows_64_bits)
{
	expect_error("extends: x86_64\n"
		     "memory: {size: 0x1000000T}\n",
		     "t.yaml:2:16: number out of range for memory.size (at most 18446744073709551615)");
}

/* A number past 2^64 says the field's limit, as one that only exceeds the field's does. */
Test(config_errors, number_past_64_bits_names_the_limit)
{
	expect_error("extends: x86_64\n"
		     "memory_latency: 99999999999999999999999\n",
		     "t.yaml:2:17: number out of range for memory_latency (at most 4294967295)");
	expect_error("extends: x86_64\n"
		     "os: { resident_pages: 99999999999999999999 }\n",
		     "t.yaml:2:23: number out of range for os.resident_pages (at most 18446744073709551615)");
	expect_error("extends: x86_64\n"
		     "caches: { l2: { sets: 99999999999999999999, ways: 8, latency: 4 } }\n",
		     "t.yaml:2:23: caches.l2.sets is out of range (at most 4194304)");
	expect_error("extends: toy\n"
		     "toy: { valid: 99999999999999999999 }\n",
		     "t.yaml:2:15: toy.valid is out of range (at most 63)");
}

/* YAML tags (YAML 1.1 types, yaml.org/type): !!str makes a string, !!int a number even quoted. */
Test(config_errors, yaml_str_tag_is_a_string)
{
	expect_error("extends: x86_64\n"
		     "memory_latency: !!str 5\n",
		     "t.yaml:2:17: expected a number for memory_latency");
	expect_error("extends: x86_64\n"
		     "va_sign_ext: !!str true\n",
		     "t.yaml:2:14: expected a boolean for va_sign_ext");
	expect_error("extends: x86_64\n"
		     "memory_latency: ! 5\n",
		     "t.yaml:2:17: expected a number for memory_latency");
}

Test(config_values, yaml_int_and_bool_tags_type_a_quoted_scalar)
{
	struct machine_config mc;

	load_ok("extends: x86_64\n"
		"memory_latency: !!int \"7\"\n"
		"cpu: { smap: !!bool 'true' }\n", &mc);
	cr_expect_eq(mc.memory_latency, 7);
	cr_expect(mc.cpu.smap);
}

Test(config_errors, yaml_merge_key_refused)
{
	expect_error("extends: x86_64\n"
		     "base: &b { level: 1, kind: data }\n"
		     "tlb: [{<<: *b, name: a, entries: 64, page_sizes: [4K]}]\n",
		     "t.yaml:3:8: YAML merge keys ('<<') are not supported: write the keys out");
}

Test(config_errors, yaml_other_tags_refused)
{
	expect_error("extends: x86_64\n"
		     "memory_latency: !!binary aGVsbG8=\n",
		     "t.yaml:2:17: YAML tag '!!binary' is not supported (only !!str, !!int, !!float, !!bool, !!null, !!map and !!seq)");
	expect_error("extends: x86_64\n"
		     "name: !evil x\n",
		     "t.yaml:2:7: YAML tag '!evil' is not supported (only !!str, !!int, !!float, !!bool, !!null, !!map and !!seq)");
	expect_error("extends: x86_64\n"
		     "cpu: !!set { smap }\n",
		     "t.yaml:2:6: YAML tag '!!set' is not supported (only !!str, !!int, !!float, !!bool, !!null, !!map and !!seq)");
	expect_error("extends: x86_64\n"
		     "cpu: !!seq { smap: true }\n",
		     "t.yaml:2:6: YAML tag '!!seq' does not fit a mapping");
}

Test(config_errors, page_size_listed_twice)
{
	expect_error("extends: x86_64\n"
		     "tlb: [{name: a, level: 1, kind: data, entries: 64, page_sizes: [4K, 2M, 4096]}]\n",
		     "t.yaml:2:73: page size 4096 is listed twice in tlb[0].page_sizes");
}

/* -5 and 5.0 look like numbers: the message says why they are not ones a config takes. */
Test(config_errors, negative_and_fractional_numbers_say_why)
{
	expect_error("extends: x86_64\nmemory_latency: -5\n",
		     "t.yaml:2:17: expected a number for memory_latency ('-5' is negative)");
	expect_error("extends: x86_64\nmemory_latency: 5.0\n",
		     "t.yaml:2:17: expected a number for memory_latency ('5.0' is not written as a whole number)");
	expect_error("extends: x86_64\nos: { resident_pages: 1e3 }\n",
		     "t.yaml:2:23: expected a number for os.resident_pages ('1e3' is not written as a whole number)");
	expect_error("extends: x86_64\ncaches: { l2: { sets: -1024, ways: 4, latency: 12 } }\n",
		     "t.yaml:2:23: expected a number for caches.l2.sets ('-1024' is negative)");
	expect_error("extends: toy\ntoy: { valid: 0.5 }\n",
		     "t.yaml:2:15: expected a number for toy.valid ('0.5' is not written as a whole number)");
	/* Words stay plain "expected a number", as do quoted numbers (strings in YAML). */
	expect_error("extends: x86_64\nmemory_latency: e5\n", "t.yaml:2:17: expected a number for memory_latency");
	expect_error("extends: x86_64\nmemory_latency: \"-5\"\n", "t.yaml:2:17: expected a number for memory_latency");
}

/* stage2 shares the top level's keys: its messages say they are stage 2's, not the guest's. */
Test(config_errors, stage2_messages_say_stage2)
{
	expect_error("extends: x86_64_ept\nstage2: {memory: {size: 0}}\n",
		     "t.yaml:2:25: in stage2: memory.size must not be 0");
	expect_error("extends: x86_64_ept\nstage2: {cpu: {foo: 1}}\n",
		     "t.yaml:2:16: in stage2: unknown key 'foo' in cpu");
	expect_error("extends: x86_64_ept\nstage2: {nr_levels: 0}\n",
		     "t.yaml:2:21: in stage2: nr_levels 0 must be between 1 and 5");
	/* The guest's own keep their message. */
	expect_error("extends: x86_64_ept\nmemory: {size: 0}\n", "t.yaml:2:16: memory.size must not be 0");
}

Test(config_errors, number_too_large_for_the_field)
{
	expect_error("extends: x86_64\n"
		     "cpu: {pkru: 0x100000000}\n",
		     "t.yaml:2:13: number out of range for cpu.pkru (at most 4294967295)");
}

Test(config_errors, expected_a_boolean)
{
	expect_error("extends: x86_64\n"
		     "va_sign_ext: 1\n",
		     "t.yaml:2:14: expected a boolean for va_sign_ext");
}

Test(config_errors, expected_a_mapping)
{
	expect_error("extends: x86_64\n"
		     "memory: 64G\n",
		     "t.yaml:2:9: expected a mapping for memory");
}

Test(config_errors, expected_a_sequence)
{
	expect_error("extends: x86_64\n"
		     "tlb: {name: l1d}\n",
		     "t.yaml:2:6: expected a sequence for tlb");
}

Test(config_errors, expected_a_string)
{
	expect_error("extends: x86_64\n"
		     "name: [a]\n",
		     "t.yaml:2:7: expected a string for name");
}

Test(config_errors, name_too_long)
{
	expect_error("extends: x86_64\n"
		     "name: a234567890123456789012345678901234567890123456789012345678901234\n",
		     "t.yaml:2:7: name is longer than 63 characters");
}

Test(config_errors, name_empty)
{
	expect_error("extends: x86_64\n"
		     "name: ''\n",
		     "t.yaml:2:7: name must not be empty");
}

Test(config_errors, unknown_arch)
{
	expect_error("extends: x86_64\n"
		     "arch: arm64\n",
		     "t.yaml:2:7: unknown arch 'arm64' (expected x86_64, riscv64, riscv32, riscv64x4, ept, x86_32, aarch64, aarch64_stage2 or toy)");
}

Test(config_errors, base_page_size_not_a_power_of_two)
{
	expect_error("extends: x86_64\n"
		     "base_page_size: 4000\n",
		     "t.yaml:2:17: base_page_size 4000 is not a power of two >= 32");
}

Test(config_errors, base_page_size_too_large)
{
	expect_error("extends: x86_64\n"
		     "base_page_size: 1T\n",
		     "t.yaml:2:17: number out of range for base_page_size (at most 4294967296)");
}

Test(config_errors, widths_do_not_add_up)
{
	expect_error("extends: x86_64\n"
		     "address_width: 47\n",
		     "t.yaml:2:16: address_width 47 != nr_levels 4 x index bits 9 + offset bits 12");
}

Test(config_errors, highest_translation_level_zero)
{
	expect_error("extends: x86_64\n"
		     "highest_translation_level: 0\n",
		     "t.yaml:2:28: highest_translation_level 0 must be between 1 and nr_levels 4");
}

Test(config_errors, highest_translation_level_above_nr_levels)
{
	expect_error("extends: sv39\n"
		     "highest_translation_level: 4\n",
		     "t.yaml:2:28: highest_translation_level 4 must be between 1 and nr_levels 3");
}

Test(config_errors, arch_rejects_the_constants)
{
	/* Sv30 does not exist; the message is pt_arch_riscv64's, the position ours. */
	expect_error_at("name: custom\n"
			"arch: riscv64\n"
			"base_page_size: 4096\n"
			"nr_levels: 2\n"
			"pte_size: 8\n"
			"address_width: 30\n"
			"va_sign_ext: true\n"
			"highest_translation_level: 2\n"
			"phys_addr_width: 40\n" X86_MEMORY X86_PAGE_TABLES,
			"t.yaml:2:7: ");
}

Test(config_errors, index_range_beyond_the_node)
{
	expect_error("extends: x86_64\n"
		     "page_tables:\n"
		     "  kernel: {top_level_index_range: [256, 513]}\n",
		     "t.yaml:3:41: page_tables.kernel.top_level_index_range end 513 "
		     "exceeds the 512 entries of a top-level node");
}

Test(config_errors, index_range_empty)
{
	expect_error("extends: x86_64\n"
		     "page_tables:\n"
		     "  user: {top_level_index_range: [10, 10]}\n",
		     "t.yaml:3:33: page_tables.user.top_level_index_range [10, 10) is empty");
}

Test(config_errors, index_range_not_two_numbers)
{
	expect_error("extends: x86_64\n"
		     "page_tables:\n"
		     "  user: {top_level_index_range: [0, 1, 2]}\n",
		     "t.yaml:3:33: expected two numbers [start, end] for "
		     "page_tables.user.top_level_index_range, got 3");
}

Test(config_errors, index_range_item_not_a_number)
{
	expect_error("extends: x86_64\n"
		     "page_tables:\n"
		     "  user: {top_level_index_range: [0, half]}\n",
		     "t.yaml:3:37: expected a number for page_tables.user.top_level_index_range[1]");
}

Test(config_errors, index_ranges_overlap)
{
	expect_error("extends: x86_64\n"
		     "page_tables:\n"
		     "  user: {top_level_index_range: [0, 257]}\n",
		     "t.yaml:3:33: user range [0, 257) overlaps kernel range [256, 512)");
}

Test(config_errors, memory_base_not_page_aligned)
{
	expect_error("extends: x86_64\n"
		     "memory: {base: 0x1001}\n",
		     "t.yaml:2:16: memory.base 0x1001 is not a multiple of base_page_size 4096");
}

Test(config_errors, memory_size_not_page_aligned)
{
	expect_error("extends: x86_64\n"
		     "memory: {size: 0x1800}\n",
		     "t.yaml:2:16: memory.size 0x1800 is not a multiple of base_page_size 4096");
}

Test(config_errors, memory_size_zero)
{
	expect_error("extends: x86_64\n"
		     "memory: {size: 0}\n",
		     "t.yaml:2:16: memory.size must not be 0");
}

Test(config_errors, memory_size_above_2_52)
{
	expect_error("extends: x86_64\n"
		     "memory: {size: 8192T}\n",
		     "t.yaml:2:16: memory.size 0x20000000000000 exceeds 2^52 bytes");
}

Test(config_errors, memory_beyond_phys_addr_width)
{
	/* 0x80000000 + 64 GiB needs 37 bits. */
	expect_error("extends: sv39\n"
		     "phys_addr_width: 36\n",
		     "t.yaml:2:18: memory.base 0x80000000 + memory.size 0x1000000000 "
		     "exceeds 2^phys_addr_width (2^36)");
}

Test(config_errors, memory_end_overflows)
{
	expect_error("name: custom\n"
		     "arch: riscv64\n"
		     "base_page_size: 4096\n"
		     "nr_levels: 3\n"
		     "pte_size: 8\n"
		     "address_width: 39\n"
		     "va_sign_ext: true\n"
		     "highest_translation_level: 3\n"
		     "phys_addr_width: 56\n"
		     "memory: {base: 0xfffffffffffff000, size: 8K}\n" X86_PAGE_TABLES,
		     "t.yaml:10:42: memory.base 0xfffffffffffff000 + memory.size 0x2000 "
		     "overflows 64 bits");
}

Test(config_errors, cpu_key_of_the_other_arch)
{
	expect_error("extends: sv39\n"
		     "cpu: {smep: true}\n",
		     "t.yaml:2:7: cpu key 'smep' does not apply to arch riscv64");
}

Test(config_errors, cpu_unknown_key)
{
	expect_error("extends: x86_64\n"
		     "cpu: {la57: true}\n",
		     "t.yaml:2:7: unknown key 'la57' in cpu");
}

Test(config_errors, cpu_unknown_ad_policy)
{
	expect_error("extends: sv39\n"
		     "cpu: {ad: both}\n",
		     "t.yaml:2:11: unknown A/D policy 'both' for cpu.ad (expected svadu or svade)");
}

/* AArch64 (Arm ARM D8.2): the granule, the VA size and the block levels it allows. */
Test(config_aarch64, presets_load_with_their_start_levels)
{
	static const struct { const char *name; unsigned shift, levels, aw, top; } want[] = {
		{ "aarch64", 12, 4, 48, 512 },   /* T0SZ 16, 4K: start level 0, 9 bits there */
		{ "aarch64_16k", 14, 4, 48, 2 }, /* 16K: level 0 resolves bit 47 only */
		{ "aarch64_64k", 16, 3, 48, 64 },/* 64K: start level 1, bits 47:42 */
		{ "aarch64_52", 16, 3, 52, 1024 },/* 64K with FEAT_LVA: bits 51:42 at level 1 */
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct machine_config mc;

		load_preset(want[i].name, &mc);
		cr_expect_eq(mc.pc.page_shift, want[i].shift, "%s", want[i].name);
		cr_expect_eq(mc.pc.nr_levels, want[i].levels, "%s", want[i].name);
		cr_expect_eq(mc.pc.address_width, want[i].aw, "%s", want[i].name);
		cr_expect_eq(mc.pc.top_entries, want[i].top, "%s", want[i].name);
		cr_expect(mc.kernel.upper_half && !mc.user.upper_half, "%s: TTBR1 holds the kernel table", want[i].name);
		cr_expect(mc.cpu.ha && mc.cpu.hd && mc.cpu.asid16 && !mc.cpu.pan, "%s", want[i].name);
		cr_expect_eq(mc.cpu.mair, 0xbb4400ffull, "%s", want[i].name);
	}
}

Test(config_aarch64, bad_geometry_is_refused)
{
	expect_error("extends: aarch64\nbase_page_size: 8192\n",
		     "t.yaml:2:17: aarch64 granules are 4K, 16K and 64K (base_page_size 4096, 16384 or 65536)");
	expect_error("extends: aarch64\naddress_width: 49\n",
		     "t.yaml:2:16: address_width 49 needs other than 4 levels of 9 index bits above 12 offset bits");
	expect_error("extends: aarch64\nnr_levels: 3\n",
		     "t.yaml:2:12: address_width 48 needs other than 3 levels of 9 index bits above 12 offset bits");
	expect_error("extends: aarch64_64k\naddress_width: 53\n",
		     "t.yaml:2:16: aarch64 VAs have 25 to 48 bits (52 with the 64K granule, FEAT_LVA), not 53");
	expect_error("extends: aarch64\nphys_addr_width: 52\n",
		     "t.yaml:2:18: aarch64 physical addresses have at most 48 bits here (no FEAT_LPA)");
	expect_error("extends: aarch64_16k\nhighest_translation_level: 3\n",
		     "t.yaml:2:28: the aarch64 16K granule has blocks up to level 2 (Arm level 2): highest_translation_level 2 at most");
	expect_error("extends: aarch64\npte_size: 4\n", "t.yaml:2:11: aarch64 needs pte_size 8");
}

/*
 * Each half its own VA size (D8.2: T1SZ apart from T0SZ): the upper half's
 * table has the levels and initial entries its size needs, 4K: 39 bits =
 * 3 levels of 512; 16K: 47 bits = 3 levels, bits 46:36 = 2048 at the top;
 * 64K: 42 bits = 2 levels, bits 41:29 = 8192.
 */
Test(config_aarch64, upper_address_width)
{
	static const struct {
		const char *doc;
		unsigned w0, w1, levels, top;
	} want[] = {
		{ "extends: aarch64\nupper_address_width: 39\n", 48, 39, 3, 512 },
		{ "extends: aarch64_16k\nupper_address_width: 47\n", 48, 47, 3, 2048 },
		{ "extends: aarch64_64k\nupper_address_width: 42\n", 48, 42, 2, 8192 },
		{ "extends: aarch64_64k\nupper_address_width: 52\n", 48, 52, 3, 1024 },
		{ "extends: aarch64\naddress_width: 39\nnr_levels: 3\nupper_address_width: 48\n", 39, 48, 4, 512 },
		{ "extends: aarch64\n", 48, 48, 4, 512 },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct machine_config mc;
		struct mm_error err;

		cr_assert_eq(load(want[i].doc, &mc, &err), MM_OK, "%s: %s", want[i].doc, err.msg);
		cr_expect_eq(mc.pc.half_width[0], want[i].w0, "%s", want[i].doc);
		cr_expect_eq(mc.pc.half_width[1], want[i].w1, "%s", want[i].doc);
		cr_expect_eq(mc.pc.upper_nr_levels, want[i].levels, "%s", want[i].doc);
		cr_expect_eq(mc.pc.upper_top_entries, want[i].top, "%s", want[i].doc);
	}
	/*
	 * A 39-bit TTBR0 table has 3 levels: the preset's level-4 walk cache needs the 48-bit TTBR1's.
	 * The error is the user's file's, with where the inherited value came from (they may have no
	 * aarch64.yaml to open).
	 */
	expect_error("extends: aarch64\naddress_width: 39\nnr_levels: 3\n",
		     "t.yaml: pwc[0].level must be between 2 and nr_levels (3) (inherited from aarch64.yaml:35:14)");
	expect_error("extends: x86_64\nupper_address_width: 39\n",
		     "t.yaml:2:22: upper_address_width is for formats with a table per VA half (aarch64), not x86_64");
	expect_error("extends: aarch64\nupper_address_width: 49\n",
		     "t.yaml:2:22: aarch64 VAs have 25 to 48 bits (52 with the 64K granule, FEAT_LVA), not 49 "
		     "(upper_address_width)");
	expect_error("extends: aarch64\nupper_address_width: 24\n",
		     "t.yaml:2:22: aarch64 VAs have 25 to 48 bits (52 with the 64K granule, FEAT_LVA), not 24 "
		     "(upper_address_width)");
	expect_error("extends: aarch64\nupper_address_width: 70\n",
		     "t.yaml:2:22: upper_address_width 70 exceeds 64");
	expect_error("extends: aarch64\nupper_address_width: 0\n",
		     "t.yaml:2:22: upper_address_width must not be 0 (leave it out for the size of address_width)");
	expect_error("extends: aarch64\nupper_address_width: 8\n",
		     "t.yaml:2:22: upper_address_width 8 leaves no index bits above the 12 offset bits");
	/* The kernel's range indexes the upper table: 2048 entries at 16K/47, 2 at 16K/48. */
	expect_error("extends: aarch64_16k\npage_tables:\n  user: { top_level_index_range: [0, 2], top_level_can_unmap: true }\n"
		     "  kernel: { top_level_index_range: [0, 2048], top_level_can_unmap: false }\n",
		     "t.yaml:4:40: page_tables.kernel.top_level_index_range end 2048 exceeds the 2 entries of a top-level node");
}

Test(config_aarch64, cpu_keys)
{
	struct machine_config mc;
	struct mm_error err;

	cr_assert_eq(load("extends: aarch64\ncpu: { pan: true, tbi0: true, mair: 0xffffffffffffffff }\n", &mc, &err),
		     MM_OK, "%s", err.msg);
	cr_expect(mc.cpu.pan && mc.cpu.tbi0 && !mc.cpu.tbi1);
	cr_expect_eq(mc.cpu.mair, UINT64_MAX);
	expect_error("extends: aarch64\ncpu: { mair: 0x1ffffffffffffffff }\n",
		     "t.yaml:2:14: number out of range for cpu.mair (at most 18446744073709551615)");
	expect_error("extends: aarch64\ncpu: { smap: true }\n",
		     "t.yaml:2:8: cpu key 'smap' does not apply to arch aarch64");
	expect_error("extends: x86_64\ncpu: { pan: true }\n",
		     "t.yaml:2:8: cpu key 'pan' does not apply to arch x86_64");
}

/*
 * An error names the line the user wrote when the user wrote one of the
 * values involved (memory.size here, which the merged memory: mapping of the
 * preset holds), and the config's own name with the place otherwise.
 */
Test(config_errors, blame_the_users_line_or_name_the_inherited_place)
{
	expect_error("extends: sv39x4\nmemory: { size: 4T }\n",
		     "t.yaml:2:17: guest memory [0x80000000, 0x4007fffffff] exceeds the 41-bit guest-physical "
		     "addresses of stage 2");
	expect_error("extends: aarch64\naddress_width: 39\nnr_levels: 3\n",
		     "t.yaml: pwc[0].level must be between 2 and nr_levels (3) (inherited from aarch64.yaml:35:14)");
}
