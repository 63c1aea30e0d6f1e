/* list.h - intrusive circular doubly linked list with a sentinel head. */
#ifndef CF_LIST_H
#define CF_LIST_H

#include <stddef.h>

struct cf_node {
    struct cf_node *next, *prev;
};

#define cf_container_of(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

static inline void cf_list_init(struct cf_node *head)
{
    head->next = head->prev = head;
}

static inline int cf_list_empty(const struct cf_node *head)
{
    return head->next == head;
}

/* A node that is not on any list points at itself, so unlinking twice is harmless. */
static inline int cf_node_linked(const struct cf_node *n)
{
    return n->next != n;
}

static inline void cf_list_push_back(struct cf_node *head, struct cf_node *n)
{
    n->prev = head->prev;
    n->next = head;
    head->prev->next = n;
    head->prev = n;
}

static inline void cf_list_unlink(struct cf_node *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->next = n->prev = n;
}

static inline struct cf_node *cf_list_pop_front(struct cf_node *head)
{
    struct cf_node *n = head->next;
    if (n == head)
        return NULL;
    cf_list_unlink(n);
    return n;
}

/* Move every node of `from` to the end of `to`, leaving `from` empty. */
static inline void cf_list_splice(struct cf_node *to, struct cf_node *from)
{
    if (cf_list_empty(from))
        return;
    from->next->prev = to->prev;
    to->prev->next = from->next;
    from->prev->next = to;
    to->prev = from->prev;
    cf_list_init(from);
}

#endif
