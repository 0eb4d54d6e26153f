/*
 * incident.c: the incident types' names and labels (core/report.h), in a
 * file of their own so that lookout-sheet, which prints the labels, links
 * them without the rest of the core.
 */
#include "core/report.h"
#include "util/banned.h"

const char *const incident_names[INC_COUNT] = {
	"violence", "sexual_assault", "robbery", "threats", "stalking",
	"non_payment", "condom_refusal", "coercion", "trafficking",
	"police_incident", "other",
};

const char *const incident_labels[INC_COUNT] = {
	"Violence", "Sexual assault", "Robbery", "Threats", "Stalking",
	"Non-payment", "Condom refusal", "Coercion or exploitation",
	"Trafficking indicators", "Incident involving police", "Other",
};
