/*
 * test_nested_walk: the 2-D walk of sim/nested_walk.c, with x86-64 paging in
 * both dimensions as AMD's nested paging has it (AMD APM vol. 2 15.25:
 * guest tables at guest-physical addresses, each translated by the nested
 * 4-level table under nCR3; nested accesses are user-level, so nested
 * entries need U/S = 1).
 *
 * Expected values by hand from the x86-64 4-level walk (SDM vol. 3 4.5):
 * VA 0x400123 indexes PML4[0], PDPT[0], PD[2], PT[0]; a 4K-paged GPA takes
 * four nested references.  So a TLB miss costs 4 guest entries + 4 x 4
 * nested references for them + 4 for the final GPA = 24.
 *
 * Guest RAM: GPA [0, 4M) at HPA H + GPA, H 4K past a 2 MiB boundary so that
 * the nested table holds it in 4K pages (four nested levels per GPA).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "formats/config.h"
#include "pt/page_table.h"
#include "sim/guest_mem.h"
#include "sim/machine.h"
#include "sim/nested_walk.h"
#include "sim/physmem.h"

#define P 0x1ull
#define RW 0x2ull
#define US 0x4ull
#define A 0x20ull
#define D 0x40ull
#define GUEST_RAM (4ull << 20)

struct vm {
	struct machine *host;   /* its ASID-0 user table is the nested table */
	uint64_t h;             /* HPA of GPA 0 */
	struct guest_mem g;
	struct pt_mem gmem;
	struct walker s1;
};

static void guest_put(struct vm *vm, uint64_t gpa, uint64_t pte)
{
	cr_assert_eq(physmem_write(vm->host->pm, vm->h + gpa, 8, pte), MM_OK);
}

static void vm_setup(struct vm *vm)
{
	struct machine_config cfg;
	struct mm_error err = { 0 };
	struct page_prop rw_user = { PROP_R | PROP_W | PROP_U | PROP_A | PROP_D, CACHE_WB };
	uint64_t pa;

	memset(vm, 0, sizeof(*vm));
	cr_assert_eq(config_load_preset("x86_64", &cfg, &err), MM_OK, "%s", err.msg);
	cfg.mem_size = 256ull << 20;
	cr_assert_eq(machine_create(&cfg, &vm->host, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(physmem_alloc_data(vm->host->pm, GUEST_RAM + (4ull << 20), 2ull << 20, &pa, &err), MM_OK, "%s",
		     err.msg);
	vm->h = pa + 0x1000;
	cr_assert_eq(pt_map(vm->host->user, 0, vm->h, GUEST_RAM, &rw_user, &err), MM_OK, "%s", err.msg);
	vm->g = (struct guest_mem){ .stage2 = &vm->host->walker, .stage2_root = pt_root(vm->host->user),
				    .priv = PRIV_USER };
	vm->gmem = guest_mem_pt_mem(&vm->g);
	vm->s1 = vm->host->walker;
	vm->s1.mem = &vm->gmem;
	/* The guest's tables: VA 0x400000 -> GPA 0x200000, every entry accessed, the leaf dirty. */
	guest_put(vm, 0x1000, 0x2000 | P | RW | US | A);
	guest_put(vm, 0x2000, 0x3000 | P | RW | US | A);
	guest_put(vm, 0x3000 + 2 * 8, 0x4000 | P | RW | US | A);
	guest_put(vm, 0x4000, 0x200000 | P | RW | US | A | D);
}

static void vm_walk(struct vm *vm, uint64_t va, enum access_kind access, struct nested_result *out)
{
	struct walk_request req = { .root = 0x1000, .va = va, .access = access, .priv = PRIV_USER };

	nested_walk(&vm->s1, &vm->g, &req, out);
}

Test(nested_walk, four_over_four_is_24_references)
{
	static const uint64_t gpas[5] = { 0x1000, 0x2000, 0x3010, 0x4000, 0x200123 };
	struct vm vm;
	struct nested_result r;

	vm_setup(&vm);
	vm_walk(&vm, 0x400123, ACCESS_READ, &r);
	cr_assert(r.ok, "fault %d", r.fault);
	cr_expect_eq(r.hpa, vm.h + 0x200123);
	cr_expect_eq(r.stage1.pa, 0x200123, "the guest's walk ends with the GPA");
	cr_expect_eq(r.nr_rows, 5);
	for (unsigned i = 0; i < 5 && i < r.nr_rows; i++) {
		cr_expect_eq(r.rows[i].gpa, gpas[i], "row %u: gpa %#llx", i, (unsigned long long)r.rows[i].gpa);
		cr_expect_eq(r.rows[i].walk.nr_steps, 4, "row %u: %u nested references", i, r.rows[i].walk.nr_steps);
		cr_expect_eq(r.rows[i].kind, i < 4 ? NESTED_ROW_TABLE_READ : NESTED_ROW_FINAL, "row %u", i);
	}
	cr_expect_eq(r.references, 24);
	machine_destroy(vm.host);
}

/*
 * A guest entry with A = 0: the guest walk sets it (SDM 4.8), a write at
 * the entry's GPA that nested paging checks as a write; it is a row but
 * no extra references (the read's translation serves it).
 */
Test(nested_walk, guest_accessed_bit_is_a_nested_write)
{
	struct vm vm;
	struct nested_result r;
	uint64_t pte;

	vm_setup(&vm);
	guest_put(&vm, 0x3010, 0x4000 | P | RW | US);
	vm_walk(&vm, 0x400123, ACCESS_READ, &r);
	cr_assert(r.ok);
	cr_expect_eq(r.nr_rows, 6);
	cr_expect_eq(r.rows[3].kind, NESTED_ROW_TABLE_WRITE);
	cr_expect_eq(r.rows[3].gpa, 0x3010);
	cr_expect_eq(r.references, 24);
	cr_assert_eq(physmem_read(vm.host->pm, vm.h + 0x3010, 8, &pte), MM_OK);
	cr_expect_eq(pte, 0x4000 | P | RW | US | A, "A set in the guest's entry, in host memory");
	machine_destroy(vm.host);
}

/* The nested table lacks the GPA of the guest's PD: a nested fault on a guest-table access. */
Test(nested_walk, nested_fault_on_a_guest_table)
{
	struct vm vm;
	struct nested_result r;

	vm_setup(&vm);
	cr_assert_eq(pt_unmap(vm.host->user, 0x3000, 0x1000, NULL), MM_OK);
	vm_walk(&vm, 0x400123, ACCESS_READ, &r);
	cr_expect(!r.ok);
	cr_expect_eq(r.fault, NESTED_FAULT_STAGE2_TABLE);
	cr_expect_eq(r.fault_gpa, 0x3010);
	cr_expect_eq(r.stage2.fault.kind, FAULT_NOT_PRESENT);
	cr_expect_eq(r.stage2.fault.level, 1, "the nested PT entry is clear");
	/* #PF error code of the nested walk: P = 0, a read, U/S = 1 (nested accesses are user). */
	cr_expect_eq(r.stage2.fault.code, 0x4);
	cr_expect_eq(r.nr_rows, 3);
	/* Two guest entries read, and 4 + 4 + 4 nested references (the third refused at its last). */
	cr_expect_eq(r.references, 2 + 12);
	machine_destroy(vm.host);
}

/* The final GPA read-only in the nested table: a write faults there, not in the guest. */
Test(nested_walk, nested_fault_on_the_final_gpa)
{
	struct vm vm;
	struct nested_result r;
	struct page_prop ro_user = { PROP_R | PROP_U | PROP_A | PROP_D, CACHE_WB };

	vm_setup(&vm);
	cr_assert_eq(pt_protect(vm.host->user, 0x200000, 0x1000, &ro_user, NULL), MM_OK);
	vm_walk(&vm, 0x400123, ACCESS_WRITE, &r);
	cr_expect(!r.ok);
	cr_expect_eq(r.fault, NESTED_FAULT_STAGE2_FINAL);
	cr_expect_eq(r.fault_gpa, 0x200123);
	cr_expect_eq(r.stage2.fault.kind, FAULT_PERMISSION);
	cr_expect_eq(r.stage2.fault.code, 0x7, "P | W/R | U/S");
	cr_expect(r.stage1.ok, "the guest's own walk allowed the write");
	cr_expect_eq(r.rows[r.nr_rows - 1].kind, NESTED_ROW_FINAL);
	vm_walk(&vm, 0x400123, ACCESS_READ, &r);
	cr_expect(r.ok, "a read of the same page is allowed");
	machine_destroy(vm.host);
}

/* The guest's own fault: its PT entry is clear; every entry it read was translated. */
Test(nested_walk, guest_fault)
{
	struct vm vm;
	struct nested_result r;

	vm_setup(&vm);
	guest_put(&vm, 0x4000, 0);
	vm_walk(&vm, 0x400123, ACCESS_READ, &r);
	cr_expect(!r.ok);
	cr_expect_eq(r.fault, NESTED_FAULT_STAGE1);
	cr_expect_eq(r.stage1.fault.kind, FAULT_NOT_PRESENT);
	cr_expect_eq(r.stage1.fault.level, 1);
	cr_expect_eq(r.nr_rows, 4);
	cr_expect_eq(r.references, 4 + 16);
	machine_destroy(vm.host);
}

/*
 * nested_reads lists the 24 references in the order the hardware makes them:
 * per guest level the 4 stage-2 entries of its GPA, then the guest entry at
 * its host PA (vm.h + GPA: guest RAM is one run); last the final GPA's 4.
 */
Test(nested_walk, reads_in_hardware_order)
{
	static const uint64_t gpas[4] = { 0x1000, 0x2000, 0x3010, 0x4000 };
	struct vm vm;
	struct nested_result r;
	struct nested_read reads[NESTED_MAX_READS];

	vm_setup(&vm);
	vm_walk(&vm, 0x400123, ACCESS_READ, &r);
	cr_assert(r.ok);
	cr_assert_eq(nested_reads(&r, 4, reads), 24);
	for (unsigned g = 0; g < 5; g++) {
		for (unsigned h = 0; h < 4; h++) {
			const struct nested_read *x = &reads[g * 5 + h];
			cr_expect(x->stage2, "read %u", g * 5 + h);
			cr_expect_eq(x->level, 4 - h, "read %u", g * 5 + h);
			cr_expect_eq(x->guest_level, g < 4 ? 4 - g : 0, "read %u", g * 5 + h);
			cr_expect_eq(x->hpa, r.rows[g].walk.steps[h].pte_addr);
		}
		if (g == 4)
			break;
		const struct nested_read *x = &reads[g * 5 + 4];
		cr_expect(!x->stage2);
		cr_expect_eq(x->level, 4 - g);
		cr_expect_eq(x->gpa, gpas[g]);
		cr_expect_eq(x->hpa, vm.h + gpas[g]);
	}
	machine_destroy(vm.host);
}

/* The guest's A/D write is no read (24 still); a refused guest entry is not read (2 + 12); a guest fault 4 + 16. */
Test(nested_walk, reads_match_references)
{
	struct vm vm;
	struct nested_result r;
	struct nested_read reads[NESTED_MAX_READS];
	unsigned guest = 0;

	vm_setup(&vm);
	guest_put(&vm, 0x3010, 0x4000 | P | RW | US);
	vm_walk(&vm, 0x400123, ACCESS_READ, &r);
	cr_expect_eq(nested_reads(&r, 4, reads), 24);
	machine_destroy(vm.host);

	vm_setup(&vm);
	cr_assert_eq(pt_unmap(vm.host->user, 0x3000, 0x1000, NULL), MM_OK);
	vm_walk(&vm, 0x400123, ACCESS_READ, &r);
	cr_assert_eq(nested_reads(&r, 4, reads), 14);
	for (unsigned i = 0; i < 14; i++)
		guest += !reads[i].stage2;
	cr_expect_eq(guest, 2, "the PD entry stage 2 refused was not read");
	cr_expect(reads[13].stage2 && reads[13].guest_level == 2 && reads[13].level == 1);
	machine_destroy(vm.host);

	vm_setup(&vm);
	guest_put(&vm, 0x4000, 0);
	vm_walk(&vm, 0x400123, ACCESS_READ, &r);
	cr_expect_eq(nested_reads(&r, 4, reads), 20);
	cr_expect(!reads[19].stage2 && reads[19].level == 1 && reads[19].gpa == 0x4000, "the clear PTE was read");
	machine_destroy(vm.host);
}
