/*
 * nested_walk: the two-dimensional walk of a virtual machine (Intel SDM
 * vol. 3 29.3 "EPT"; AMD APM vol. 2 15.25 "Nested Paging"; RISC-V
 * privileged spec, "Two-Stage Address Translation"; Arm ARM D8 stage 2).
 *
 * The guest's stage-1 walk reads its page-table entries at guest-physical
 * addresses, and each of those is translated by a stage-2 walk first; the
 * guest-physical address the stage-1 walk ends with is translated by stage 2
 * once more.  With n stage-1 levels and m stage-2 levels a miss costs
 * n * m + n + m references: 24 for 4 over 4.  Each stage-2 walk is a row of
 * the 2-D grid: one per stage-1 entry read, one per stage-1 A/D update (the
 * write's own check; hardware reuses the read's translation, so its entries
 * are not counted as references), and the final row.
 *
 * A fault is the stage-1 walk's (the guest's page fault), or a stage-2
 * fault on an access to a guest table (EPT "translation of a guest paging
 * structure", NPT EXITINFO1 bit 33, Arm S1PTW, RISC-V an implicit access),
 * or a stage-2 fault on the final GPA.
 */
#ifndef MMUSIM_SIM_NESTED_WALK_H
#define MMUSIM_SIM_NESTED_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pt/pt_arch.h"
#include "pt/walk.h"
#include "sim/guest_mem.h"

enum nested_row_kind {
	NESTED_ROW_TABLE_READ,   /* the GPA of a stage-1 entry, read */
	NESTED_ROW_TABLE_WRITE,  /* the same GPA written: the stage-1 walk sets A or D */
	NESTED_ROW_FINAL,        /* the GPA the stage-1 translation gives */
};

struct nested_row {
	enum nested_row_kind kind;
	uint64_t gpa;
	struct walk_result walk;  /* its stage-2 walk */
};

enum nested_fault {
	NESTED_OK,
	NESTED_FAULT_STAGE1,        /* the guest's own page fault: stage1.fault */
	NESTED_FAULT_STAGE2_TABLE,  /* stage 2 refused an access to a guest table: stage2.fault */
	NESTED_FAULT_STAGE2_FINAL,  /* stage 2 refused the final GPA: stage2.fault */
};

/* Rows: a read and an A/D write per stage-1 level, and the final GPA. */
#define NESTED_MAX_ROWS (2 * PT_MAX_LEVELS + 1)

struct nested_result {
	bool ok;
	uint64_t hpa;                 /* the host PA, when ok */
	enum nested_fault fault;
	uint64_t fault_gpa;           /* the GPA stage 2 refused */
	struct walk_result stage1;    /* the guest's walk: its pa is the GPA */
	struct walk_result stage2;    /* the final GPA's stage-2 walk, or the stage-2 walk that faulted */
	unsigned nr_rows;
	struct nested_row rows[NESTED_MAX_ROWS];
	unsigned references;          /* entries read: stage 1's plus its rows' (A/D write rows excluded) */
};

/*
 * The guest level whose entry a table row's GPA holds: the step that read it,
 * or for an entry no step records, the level below the last step (the top
 * level when there is none); 0 for the final GPA's row.
 */
unsigned nested_row_guest_level(const struct nested_result *n, const struct nested_row *row, unsigned top_level);

/*
 * One entry a 2-D walk read, in the order the hardware reads them: for each
 * guest level the stage-2 entries that translate the guest entry's GPA, then
 * the guest entry at its host PA; last the final GPA's stage-2 entries.  The
 * guest's A/D writes are not reads (as a native walk's are not).
 */
struct nested_read {
	bool stage2;            /* a stage-2 entry; false: a guest entry */
	uint8_t guest_level;    /* the guest level the read serves (0: the final GPA) */
	uint8_t level;          /* the entry's level in its own table (a guest entry's: guest_level) */
	uint64_t hpa;           /* where it was read */
	uint64_t gpa;           /* a guest entry's GPA (0 for a stage-2 entry) */
};

/* n guest levels over m host levels read at most (n + 1)(m + 1) - 1 entries. */
#define NESTED_MAX_READS ((PT_MAX_LEVELS + 1) * (PT_MAX_LEVELS + 1) - 1)

/* The reads of n in hardware order into out (NESTED_MAX_READS); returns how many (n->references). */
unsigned nested_reads(const struct nested_result *n, unsigned top_level, struct nested_read *out);

/*
 * The stage-2 fault of n (fault STAGE2_TABLE or STAGE2_FINAL, for req) as the
 * hypervisor is told it: g's stage-2 format's report, and in words into text.
 */
void nested_report(const struct nested_result *n, const struct guest_mem *g, const struct walk_request *req,
		   struct stage2_report *out, char *text, size_t len);

/*
 * Walks req (a guest VA, req->root the guest root's GPA) with stage1, whose
 * mem must be guest_mem_pt_mem(g), through g's stage 2; fills *out.
 */
void nested_walk(const struct walker *stage1, struct guest_mem *g, const struct walk_request *req,
		 struct nested_result *out);

#endif
