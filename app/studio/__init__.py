"""The process studio: analysts change a service's BPMN, DMN and forms in the browser, safely."""
