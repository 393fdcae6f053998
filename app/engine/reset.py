"""Taking a completed user task back (recall): the instance returns to that task, READY again.

Everything after the task is dropped from the tree (the next officer's ready task with it) and the
task's data is reset to what it had before it was completed, so the recalled action's variables
(``action``, ``remarks``, form fields) are gone.
"""
from SpiffWorkflow.task import TaskState

from .errors import TaskNotReady
from .runner import _set_context


def reset_to_task(wf, guid: str, context=None) -> None:
    """Reset ``wf`` to the COMPLETED user task ``guid`` and run the engine to the next wait state.

    :raises TaskNotReady: when ``guid`` is not a completed user task of this workflow.
    """
    _set_context(wf, context)
    task = next((t for t in wf.get_tasks(state=TaskState.COMPLETED, manual=True) if str(t.id) == str(guid)), None)
    if task is None:
        raise TaskNotReady(f"no completed user task {guid!r} to go back to")
    wf.reset_from_task_id(task.id)
    _forget_removed_event_tasks(wf)
    wf.do_engine_steps()
    if not any(str(t.id) == str(guid) for t in wf.get_tasks(state=TaskState.READY, manual=True)):
        raise TaskNotReady(f"user task {guid!r} did not become ready again")


def _forget_removed_event_tasks(wf) -> None:
    """SpiffWorkflow 3.2.0 leaves the dropped tasks' timers in the event manager (a boundary timer of a
    task after the reset point would then be refreshed with no parent): drop what left the tree."""
    manager = wf.event_manager
    for task in list(manager.tasks.values()):
        if task.workflow.tasks.get(task.id) is not task:
            manager.remove_task(task)
