/*
 * explain_text: one walk told for a student, over the public API — the text
 * of explain, translate --explain, the shell, quiz answers and report --html,
 * and the one-line answer of translate and the shell.
 */
#ifndef MMUSIM_TOOLS_EXPLAIN_TEXT_H
#define MMUSIM_TOOLS_EXPLAIN_TEXT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <mmusim.h>

/* ANSI colours for explain; all empty strings when colour is off. */
struct palette {
	const char *level[MMUSIM_MAX_LEVELS + 1]; /* by level; [0] unused */
	const char *offset, *sign, *good, *bad, *head, *reset;
};
void palette_init(struct palette *p, bool on);

/*
 * The explain command's text: VA fields, one block per level, the PA or the
 * fault.  `root` is the current root (mmusim_root), `upper_root` the upper
 * half's of a split-root format (mmusim_upper_root; 0 for the others): the
 * walk's is shown with its register's value for `asid` (the address space walked;
 * TTBR1 holds none).  t is
 * mmusim_translate's result for req.  m, the machine walked (NULL: not known),
 * is read back after the walk to tell which entries above the leaf it set A
 * in (x86 sets A in every entry it uses, SDM 4.8); without it only the leaf's
 * A/D, which t holds, are told.
 */
void explain_write(FILE *out, const mmusim_config *cfg, const mmusim_request *req, uint64_t root,
		   uint64_t upper_root, uint16_t asid, const mmusim_translation *t, mmusim_machine *m,
		   const struct palette *pal);

/*
 * explain_write in the pieces the shell's step prints one at a time: the
 * header ("VERB 0x...: read access ..."), the VA's fields and the walk's root; the block of res's step i
 * (one level); the PA or the fault.
 */
void explain_head(FILE *out, const char *verb, const mmusim_config *cfg, const mmusim_request *req,
		  uint64_t root, uint64_t upper_root, uint16_t asid,
		  const mmusim_translation *res, const struct palette *pal);
void explain_level(FILE *out, const mmusim_config *cfg, const mmusim_translation *res, unsigned i,
		   const struct palette *pal);
void explain_result(FILE *out, const mmusim_config *cfg, const mmusim_request *req, const mmusim_translation *res,
		    mmusim_machine *m, const struct palette *pal);
/*
 * A VM guest walk's step i whose entry stage 2 would not translate: its
 * address, and that the walk stops there (the stage-2 fault is told after).
 */
void explain_level_stage2_refused(FILE *out, const mmusim_config *cfg, const mmusim_translation *res, unsigned i,
				  const struct palette *pal);

/*
 * The answer to one walk in one line, without the VA: "pa 0x… (4K page, level
 * 1) perms rw-u-" or "fault KIND at level N, CODE: REASON[; refused by the
 * ENTRY (Ln) at 0x…]".  va is the walk's (a bad VA's rule names the bits of its half).
 */
void explain_answer(const mmusim_config *cfg, uint64_t va, const mmusim_translation *t, char *buf, size_t len);
/*
 * The rule a fault broke, in the words of explain and translate's text: a bad
 * VA's names the bits of this config (and of va's half), as translate --json
 * --explain's "reason" must too.
 */
void explain_fault_reason(const mmusim_config *cfg, uint64_t va, const mmusim_translation *t, char *buf, size_t len);
/*
 * explain_fault_reason with what the faulting entry holds where that rule is
 * generic: the reserved bits it sets (RISC-V: "A and D are set in a non-leaf
 * PTE, ..."), and a bus error's entry named as its format names it at that
 * level ("the PDPTE address lies outside physical memory").  Every command's
 * text says a fault's reason through here.
 */
void explain_fault_rule(const mmusim_config *cfg, uint64_t va, const mmusim_translation *t, char *buf, size_t len);
/* explain_answer with the fault's reason given (NULL: the rule t->fault_reason names). */
void explain_answer_because(const mmusim_config *cfg, uint64_t va, const mmusim_translation *t, const char *because,
			    char *buf, size_t len);
/* "0xVA r user: " and the answer, one line. */
void explain_answer_line(FILE *out, const mmusim_config *cfg, const mmusim_request *req,
			 const mmusim_translation *t);

#endif
