// kb: sort the overview tables (tags, categories, authors) by name or count.
document.addEventListener("DOMContentLoaded", () => {
  for (const table of document.querySelectorAll("table[data-kb-sortable]")) {
    const body = table.tBodies[0];
    for (const button of table.querySelectorAll("button[data-kb-sort]")) {
      button.addEventListener("click", () => {
        const column = Number(button.dataset.kbSort);
        const descending = button.dataset.kbDirection !== "desc" && column === 1;
        const rows = Array.from(body.rows);
        rows.sort((a, b) => {
          const x = a.cells[column].dataset.sort, y = b.cells[column].dataset.sort;
          return descending ? y.localeCompare(x) : x.localeCompare(y);
        });
        button.dataset.kbDirection = descending ? "desc" : "asc";
        body.append(...rows);
      });
    }
  }
});
