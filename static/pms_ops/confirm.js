// Final or destructive actions ask first: a button with data-confirm="Question?" sends its form only on OK.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-confirm], input[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) { event.preventDefault(); }
});
