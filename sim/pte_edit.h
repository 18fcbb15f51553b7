/*
 * pte_edit: authoring a page table by hand, the trace commands poke, set-pte,
 * pte and map's size= (trace_text.h).  Each writes memory directly: like an
 * OS that forgets invlpg, it tells no TLB and no page-walk cache, so what
 * they hold goes on being used until a flush (stale-TLB demonstrations).
 */
#ifndef MMUSIM_SIM_PTE_EDIT_H
#define MMUSIM_SIM_PTE_EDIT_H

#include "sim/trace_event.h"
#include "pt/mm_error.h"
#include "sim/machine.h"

/*
 * Applies a poke, set-pte or pte event to m, whose address space `user`
 * (the current one) the VA of set-pte and pte is walked in.  Errors name
 * the command: "poke: PA 0x9000000 is outside memory [0x0, 0x8000000)",
 * "set-pte 0x1000 1: the walk of 0x1000 stops at level 3 (entry not
 * present), there is no level-1 table to write".
 */
int pte_edit(struct machine *m, struct page_table *user, const struct trace_event *ev, struct mm_error *err);

/*
 * map with size=: ev->size is log2 of the page size every leaf takes, which
 * must be one of the config's and divide VA, PA and LEN.  pt is the table
 * the VA belongs to (machine_route).
 */
int pte_edit_map(struct machine *m, struct page_table *pt, const struct trace_event *ev, struct mm_error *err);

#endif
