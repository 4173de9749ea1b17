"""Assessment workbooks: the template, the import into RDF, the export back, and org charts from CSV.

The modules each do one job: `layout` fixes where each thing sits in the workbook, `framework`
reads the capabilities and lenses from the compiled dataset, `write` writes a workbook or its
CSV form, `cells` reads the cells back with their addresses, `parse` turns the cells into an
`Assessment` record (every bad cell an error), `rdf` turns records into N-Triples and reads them
back from a store, and `org` turns org-chart and membership CSVs into W3C ORG.
"""
