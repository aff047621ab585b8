-- Business services and business-hours calendars.
CREATE TABLE services (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description text NOT NULL DEFAULT '',
    owner       text NOT NULL DEFAULT '',
    row_version integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  bigint REFERENCES users (id) ON DELETE SET NULL
);

CREATE UNIQUE INDEX services_name_key ON services (lower(name));

CREATE TABLE calendars (
    id           bigserial PRIMARY KEY,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    time_zone    text NOT NULL,
    weekly_hours jsonb NOT NULL DEFAULT '[]',
    holidays     jsonb NOT NULL DEFAULT '[]',
    row_version  integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    updated_by   bigint REFERENCES users (id) ON DELETE SET NULL
);

CREATE UNIQUE INDEX calendars_name_key ON calendars (lower(name));
