/*
 * widgets.c: the form fields every page is built from.
 *
 * Each field is a real <label for> on a control with the same id, a hint
 * and an error tied to it by aria-describedby, and a control tall enough
 * for a thumb (the CSS gives 48px). Hints and errors are msgids.
 */
#include <string.h>

#include "web/web.h"
#include "web/web_internal.h"
#include "util/log.h"
#include "util/banned.h"

static void
hint_error(struct buf *b, const char *lang, const char *id, const char *hint,
    const char *error)
{
	if (hint != NULL)
		html_printf(b, lang, "<p class=hint id=%s-hint>%t</p>\n", id,
		    hint);
	if (error != NULL)
		html_printf(b, lang, "<p class=error id=%s-error>%t</p>\n", id,
		    error);
}

/* The attributes that tie a control to its hint and error. */
static void
described(struct buf *b, const char *lang, const char *id, const char *hint,
    const char *error)
{
	if (error != NULL)
		buf_adds(b, " aria-invalid=true");
	if (hint != NULL && error != NULL)
		html_printf(b, lang, " aria-describedby=\"%s-hint %s-error\"",
		    id, id);
	else if (hint != NULL)
		html_printf(b, lang, " aria-describedby=%s-hint", id);
	else if (error != NULL)
		html_printf(b, lang, " aria-describedby=%s-error", id);
}

void
web_input_named(struct buf *b, const char *lang, const struct input *in,
    const char *name)
{
	const char *id = in->name;

	html_printf(b, lang, "<div class=field>\n<label for=%s>%t</label>\n",
	    id, in->label);
	hint_error(b, lang, id, in->hint, in->error);
	html_printf(b, lang, "<input id=%s name=%s type=%s autocomplete=%s"
	    "%R%R%R", id, name, in->type, in->autocomplete,
	    in->attrs != NULL && *in->attrs != '\0' ? " " : "",
	    in->attrs != NULL ? in->attrs : "",
	    in->optional ? "" : " required");
	if (in->value != NULL)
		html_printf(b, lang, " value=\"%s\"", in->value);
	described(b, lang, id, in->hint, in->error);
	buf_adds(b, ">\n</div>\n");
}

void
web_input(struct buf *b, const char *lang, const struct input *in)
{
	web_input_named(b, lang, in, in->name);
}

void
web_textarea(struct buf *b, const char *lang, const struct textarea *t)
{
	html_printf(b, lang, "<div class=field>\n<label for=%s>%t</label>\n",
	    t->name, t->label);
	hint_error(b, lang, t->name, t->hint, t->error);
	html_printf(b, lang, "<textarea id=%s name=%s rows=%d maxlength=%zu%R",
	    t->name, t->name, t->rows, t->maxlength,
	    t->required ? " required" : "");
	described(b, lang, t->name, t->hint, t->error);
	/* A newline right after <textarea> is dropped by the parser; write
	 * one so that a value starting with a newline keeps it. */
	html_printf(b, lang, ">\n%s</textarea>\n</div>\n",
	    t->value != NULL ? t->value : "");
}

void
web_select_begin(struct buf *b, const char *lang, const char *id,
    const char *name, const char *label, const char *hint, const char *error)
{
	html_printf(b, lang, "<div class=field>\n<label for=%s>%t</label>\n",
	    id, label);
	hint_error(b, lang, id, hint, error);
	html_printf(b, lang, "<select id=%s name=%s", id, name);
	described(b, lang, id, hint, error);
	buf_adds(b, ">");
}

void
web_option(struct buf *b, const char *lang, const char *value,
    const char *text, int selected)
{
	html_printf(b, lang, "<option value=\"%s\"%R>%s</option>", value,
	    selected ? " selected" : "", text);
}

void
web_select_end(struct buf *b)
{
	buf_adds(b, "</select>\n</div>\n");
}

void
web_group_begin(struct buf *b, const char *lang, const char *id,
    const char *legend, const char *hint, const char *error)
{
	html_printf(b, lang, "<fieldset class=field id=%s", id);
	described(b, lang, id, hint, error);
	html_printf(b, lang, ">\n<legend>%t</legend>\n", legend);
	hint_error(b, lang, id, hint, error);
}

void
web_check_text(struct buf *b, const char *lang, const char *type,
    const char *name, const char *id, const char *value, const char *text,
    int checked)
{
	html_printf(b, lang, "<div class=check><input type=%s id=%s name=%s "
	    "value=\"%s\"%R><label for=%s>%s</label></div>\n", type, id, name,
	    value, checked ? " checked" : "", id, text);
}

void
web_check(struct buf *b, const char *lang, const char *type,
    const char *name, const char *id, const char *value,
    const char *label_msgid, int checked)
{
	web_check_text(b, lang, type, name, id, value, tr(lang, label_msgid),
	    checked);
}

void
web_group_end(struct buf *b)
{
	buf_adds(b, "</fieldset>\n");
}

void
web_form_begin(struct http_req *r, struct buf *b, const char *action,
    const char *error)
{
	html_printf(b, r->lang, "<form method=post action=%s class=stack>\n"
	    "<input type=hidden name=csrf value=\"%s\">\n", action, r->csrf);
	if (error != NULL)
		html_printf(b, r->lang, "<p class=error role=alert>%t</p>\n",
		    error);
}

void
web_form_open(struct http_req *r, struct buf *b, const char *action,
    const char *cls)
{
	html_printf(b, r->lang, "<form method=post action=%s class=%s>\n"
	    "<input type=hidden name=csrf value=\"%s\">\n", action, cls,
	    r->csrf);
}

void
web_form_end(struct http_req *r, struct buf *b, const char *button)
{
	html_printf(b, r->lang, "<button type=submit class=primary>%t"
	    "</button>\n</form>\n", button);
}

int
web_finish(struct http_req *r, struct http_resp *w)
{
	page_end(r, w);
	if (w->body.overflow) {
		log_error("web: page for %s is larger than its buffer",
		    r->route != NULL ? r->route->name : "?");
		return -1;
	}
	return 0;
}

const char *
web_form(const struct http_req *r, const char *name)
{
	const char *v = req_form(r, name);

	return v != NULL ? v : "";
}

int
web_checked(const char *v)
{
	return v != NULL && (strcmp(v, "yes") == 0 || strcmp(v, "on") == 0);
}

int
web_blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t')
			return 0;
	return 1;
}
