CREATE TYPE task_state AS ENUM ('open', 'done');
CREATE TABLE tasks (id integer PRIMARY KEY, state task_state NOT NULL,
    CONSTRAINT tasks_state_check CHECK (state <> 'done'));
