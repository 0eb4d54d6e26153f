/*
 * lookout.js: progressive enhancement only; every page works without it.
 *
 * Quick exit: leave with location.replace(), so this page is not left in
 * the history for the back button, and let the Escape key do the same
 * from anywhere on the page.
 */
(function () {
	"use strict";

	var link = document.getElementById("quick-exit");

	if (!link) {
		return;
	}

	function leave(event) {
		if (event) {
			event.preventDefault();
		}
		document.documentElement.className += " leaving";
		document.title = "";
		window.location.replace(link.href);
	}

	link.addEventListener("click", leave);

	document.addEventListener("keydown", function (event) {
		/* Escape also ends an input-method composition (Chinese
		 * input, for one): that must not throw anyone off the page. */
		if (event.isComposing || event.keyCode === 229) {
			return;
		}
		if (event.key === "Escape" || event.key === "Esc") {
			leave(event);
		}
	});
}());
