/*
 * ostep_answer: a walk told in the words of the answer key that OSTEP's
 * homework paging-multilevel-translate.py prints with -c, so that a student
 * can compare line by line:
 *
 *   Virtual Address 0x611c:
 *     --> pde index:0x18 [decimal 24] pde contents:0xa1 (valid 1, pfn 0x21 [decimal 33])
 *       --> pte index:0x8 [decimal 8] pte contents:0xb5 (valid 1, pfn 0x35 [decimal 53])
 *         --> Translates to Physical Address 0x6bc --> Value: 0x08
 *
 * or "--> Fault (page directory entry not valid)" / "(page table entry not
 * valid)".  Any two-level config whose PTE bits are data (the toy format, as
 * the ostep preset) can be told this way; a one-level one (the linear table
 * of paging-linear-translate.py, --image of its output) as that script's key:
 *
 *     VA 0x00001cc4 (decimal:     7364) --> 0000ccc4 (decimal    52420) [VPN 1]
 *     VA 0x000029b3 (decimal:    10675) -->  Invalid (VPN 2 not valid)
 */
#ifndef MMUSIM_TOOLS_CLI_OSTEP_ANSWER_H
#define MMUSIM_TOOLS_CLI_OSTEP_ANSWER_H

#include <stdio.h>

#include <mmusim.h>

/* MMUSIM_OK when cfg can be told in the answer key's words, else MMUSIM_EINVAL with a message. */
int ostep_answer_check(const mmusim_config *cfg, mmusim_error *err);

/* One VA's answer; the value is the byte at the PA, read from the machine's memory. */
void ostep_answer_write(FILE *out, mmusim_machine *m, const mmusim_request *req, const mmusim_translation *res);

/* The same for a one-level config, in paging-linear-translate.py's words (no value: it asks none). */
void ostep_linear_answer_write(FILE *out, mmusim_machine *m, const mmusim_request *req, const mmusim_translation *res);

#endif
