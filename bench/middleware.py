"""X-Bench-Queries: how many SQL queries a request ran (bench settings only)."""

from django.db import connection


def query_count(get_response):
    def middleware(request):
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = get_response(request)
        response["X-Bench-Queries"] = str(queries)
        return response

    return middleware
